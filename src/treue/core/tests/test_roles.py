from pathlib import Path

from treue.core.roles import (
    PERMISSION_MATRIX,
    Perm,
    Role,
    permission_matrix_markdown,
    role_has_perm,
)

DOC = Path(__file__).resolve().parents[4] / "docs" / "permissions.md"


def test_docs_permission_matrix_matches_the_code() -> None:
    text = DOC.read_text()
    documented = text.split("<!-- matrix:start -->\n")[1].split("\n<!-- matrix:end -->")[0]

    assert documented == permission_matrix_markdown()


def test_every_permission_is_in_the_matrix_and_admin_has_all() -> None:
    assert set(PERMISSION_MATRIX) == set(Perm)
    assert all(role_has_perm(Role.ADMIN, perm) for perm in Perm)


def test_department_head_may_hand_over_but_gains_nothing_else() -> None:
    assert not role_has_perm(Role.SALES, Perm.ACTIVITY_HAND_OVER_ANY)
    assert role_has_perm(Role.SALES, Perm.ACTIVITY_HAND_OVER_ANY, is_head=True)
    assert not role_has_perm(Role.SALES, Perm.INVOICE_CHANGE, is_head=True)
