"""Who and what the demo company is: its people, terms, and the words its records are made of."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from treue.core.roles import Role

from . import places

DEMO_PASSWORD = "treue-demo"  # noqa: S105 - documented demo password, printed by the command
COMPANY_DOMAIN = "muster-maschinenbau.example"
# Orders per customer and year on average; with 3-8 lines an order, 20,000 customers x 3 years
# give about two million order lines.
ORDERS_PER_CUSTOMER_YEAR = 6.0
LINES_PER_ORDER = (3, 4, 5, 6, 7, 8)
LINES_PER_ORDER_P = (0.12, 0.20, 0.20, 0.18, 0.16, 0.14)
BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    department: str
    # Sales reps: first digits of the German postal codes they cover, or "AT", "CH";
    # "key" for the head of sales, who looks after key accounts.
    territory: str = ""


DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    # code, name, username of the head
    ("management", "Geschäftsführung", "management"),
    ("sales", "Vertrieb", "sales"),
    ("production", "Produktion", "production"),
    ("quality", "Qualität", "quality"),
    ("shipping", "Versand", "shipping"),
    ("purchasing", "Einkauf", "purchasing"),
    ("accounting", "Buchhaltung", "accounting"),
    ("service", "Kundendienst", "service"),
    ("it", "IT", "admin"),
)

USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "Tobias", "Krämer", Role.ADMIN, "it"),
    DemoUser("management", "Andrea", "Muster", Role.MANAGEMENT, "management"),
    DemoUser("sales", "Markus", "Weber", Role.SALES, "sales", "key"),
    DemoUser("production", "Stefan", "Braun", Role.PRODUCTION, "production"),
    DemoUser("quality", "Claudia", "Richter", Role.QUALITY, "quality"),
    DemoUser("shipping", "Jürgen", "Wolf", Role.SHIPPING, "shipping"),
    DemoUser("purchasing", "Sabine", "Neumann", Role.PURCHASING, "purchasing"),
    DemoUser("accounting", "Petra", "Schulz", Role.ACCOUNTING, "accounting"),
    DemoUser("service", "Thomas", "Zimmermann", Role.SERVICE, "service"),
    DemoUser("s.fischer", "Sandra", "Fischer", Role.SALES, "sales", "012"),
    DemoUser("n.schmitt", "Nina", "Schmitt", Role.SALES, "sales", "345"),
    DemoUser("m.koch", "Michael", "Koch", Role.SALES, "sales", "69"),
    DemoUser("j.hoffmann", "Julia", "Hoffmann", Role.SALES, "sales", "78"),
    DemoUser("l.bauer", "Lukas", "Bauer", Role.SALES, "sales", "AT"),
    DemoUser("d.keller", "Daniel", "Keller", Role.SALES, "sales", "CH"),
)
# Absent today (from two days ago for two weeks); work for him reaches his deputy.
ABSENT_USERNAME = "m.koch"
DEPUTY_USERNAME = "n.schmitt"

PAYMENT_TERMS: tuple[tuple[str, int, int | None, str | None, float], ...] = (
    # code, days net, discount days, discount %, share of customers
    ("14-net", 14, None, None, 0.10),
    ("30-net", 30, None, None, 0.35),
    ("60-net", 60, None, None, 0.15),
    ("14-2-30", 30, 14, "2.00", 0.30),
    ("10-3-60", 60, 10, "3.00", 0.10),
)
COUNTRIES = ("DE", "AT", "CH")
COUNTRY_P = (0.74, 0.13, 0.13)
VAT_PERCENT = (19, 20, 0)  # Germany, Austria, Switzerland (export)
PHONE_PREFIX = ("+49", "+43", "+41")
INDUSTRIES = tuple(places.INDUSTRY_WORDS)
INDUSTRY_P = (0.20, 0.22, 0.10, 0.10, 0.10, 0.08, 0.08, 0.12)
SIZE_CLASSES = ("small", "medium", "large", "enterprise")
INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP")
# Payment behaviour: on time, a few days late, late, very late (with partial and unpaid invoices).
PAYER_P = (0.55, 0.27, 0.13, 0.05)
BUYING_ROLES = (
    "decision_maker",
    "commercial_buyer",
    "technical_buyer",
    "user",
    "influencer",
    "gatekeeper",
)
JOB_TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "decision_maker": (
        ("Geschäftsführer", "Geschäftsführerin"),
        ("Technischer Leiter", "Technische Leiterin"),
        ("Werkleiter", "Werkleiterin"),
    ),
    "commercial_buyer": (
        ("Einkäufer", "Einkäuferin"),
        ("Leiter Einkauf", "Leiterin Einkauf"),
        ("Strategischer Einkäufer", "Strategische Einkäuferin"),
    ),
    "technical_buyer": (
        ("Leiter Instandhaltung", "Leiterin Instandhaltung"),
        ("Konstrukteur", "Konstrukteurin"),
        ("Betriebsingenieur", "Betriebsingenieurin"),
    ),
    "user": (
        ("Schichtleiter", "Schichtleiterin"),
        ("Produktionsleiter", "Produktionsleiterin"),
        ("Meister Fertigung", "Meisterin Fertigung"),
    ),
    "influencer": (
        ("Qualitätsmanager", "Qualitätsmanagerin"),
        ("Leiter Arbeitsvorbereitung", "Leiterin Arbeitsvorbereitung"),
    ),
    "gatekeeper": (
        ("Assistent der Geschäftsführung", "Assistentin der Geschäftsführung"),
        ("Sachbearbeiter Einkauf", "Sachbearbeiterin Einkauf"),
    ),
}
JOB_TITLES_EN: dict[str, str] = {
    "decision_maker": "Plant Manager",
    "commercial_buyer": "Head of Procurement",
    "technical_buyer": "Maintenance Engineer",
    "user": "Production Manager",
    "influencer": "Quality Manager",
    "gatekeeper": "Executive Assistant",
}
ROLE_TOPICS: dict[str, tuple[str, ...]] = {
    "decision_maker": ("market", "prices", "products"),
    "commercial_buyer": ("prices", "delivery", "market"),
    "technical_buyer": ("products", "quality", "service", "regulation"),
    "user": ("service", "quality", "products"),
    "influencer": ("quality", "regulation", "products"),
    "gatekeeper": ("delivery", "prices"),
}
TECHNICAL_ROLES = frozenset({"technical_buyer", "user", "influencer"})
CHANNELS = ("email", "phone", "meeting", "letter")
FIRST_CHANNEL_P = (0.70, 0.12, 0.10, 0.08)
CONSENT_SOURCES = (
    "Messe EMO Hannover",
    "Messe AMB Stuttgart",
    "Webformular Newsletter",
    "Visitenkarte beim Kundenbesuch",
    "Rahmenvertrag",
)
INTERACTION_TOPICS = (
    "Liefertermin für laufenden Auftrag abgestimmt",
    "Angebot für Ersatzteile besprochen",
    "Neue Maschinengeneration vorgestellt",
    "Preisanpassung zum Jahreswechsel erläutert",
    "Wartungsvertrag besprochen",
    "Reklamation zu einer Lieferung geklärt",
    "Rahmenvertrag verhandelt",
    "Schulungsbedarf der Bediener geklärt",
    "Projektanfrage Automatisierung aufgenommen",
    "Offene Posten und Zahlungsziel besprochen",
    "Feedback zur Inbetriebnahme eingeholt",
    "Jahresgespräch mit Zielvereinbarung",
    "Einladung zum Kundentag übergeben",
    "Ersatzteilbevorratung abgestimmt",
    "Qualitätsaudit vorbereitet",
    "Kapazitätsplanung für das nächste Quartal",
    "Angebot nachgefasst",
    "Störung an der Anlage aufgenommen",
)
CHANNEL_PREFIX = {
    "email": "E-Mail",
    "phone": "Telefonat",
    "meeting": "Besuch vor Ort",
    "letter": "Brief",
}
MANUAL_ACTIVITIES = (
    "Angebot nachfassen",
    "Besuch vorbereiten",
    "Jahresgespräch terminieren",
    "Rückruf wegen Ersatzteilanfrage",
    "Schulungsangebot schicken",
    "Rahmenvertrag zur Verlängerung vorlegen",
    "Referenzbesuch organisieren",
    "Wartungsvertrag anbieten",
)


# Complaints: (category, share, causes with their shares, what the customer writes).
COMPLAINTS_PER_CUSTOMER = 2.5
COMPLAINT_CATEGORIES: tuple[tuple[str, float, tuple[tuple[str, float], ...], str], ...] = (
    (
        "quality_defect",
        0.34,
        (("production", 0.5), ("purchased_component", 0.35), ("design", 0.15)),
        "Maßabweichung an der gelieferten Baugruppe, Teile lassen sich nicht montieren.",
    ),
    (
        "wrong_or_missing_parts",
        0.14,
        (("shipping", 0.7), ("production", 0.3)),
        "Laut Lieferschein vollständig, es fehlen aber Teile aus der Position.",
    ),
    ("packaging", 0.08, (("shipping", 1.0),), "Verpackung beschädigt, Korrosion an Teilen."),
    (
        "transport_damage",
        0.12,
        (("shipping", 0.6), ("customer_handling", 0.4)),
        "Palette beim Transport umgekippt, Gehäuse verbeult.",
    ),
    (
        "delivery_delay",
        0.12,
        (("production", 0.5), ("purchased_component", 0.5)),
        "Lieferung kam später als bestätigt, unsere Montage stand still.",
    ),
    (
        "documentation",
        0.07,
        (("documentation", 1.0),),
        "Betriebsanleitung und Prüfzeugnis fehlen in der Lieferung.",
    ),
    ("invoice", 0.07, (("documentation", 1.0),), "Rechnungsbetrag weicht vom Angebot ab."),
    ("service", 0.06, (("service", 1.0),), "Servicetechniker kam nicht zum vereinbarten Termin."),
)
COMPLAINT_SEVERITIES: tuple[tuple[str, float], ...] = (
    ("low", 0.25),
    ("medium", 0.45),
    ("high", 0.22),
    ("critical", 0.08),
)
# cause category -> (department code, root cause, corrective action)
COMPLAINT_CAUSES: dict[str, tuple[str, str, str]] = {
    "production": (
        "production",
        "Vorrichtung nach Werkzeugwechsel nicht neu eingemessen.",
        "Einmessen nach jedem Werkzeugwechsel in die Arbeitsanweisung aufgenommen.",
    ),
    "purchased_component": (
        "purchasing",
        "Zukaufteil außerhalb der Toleranz geliefert, Wareneingangsprüfung nur stichprobenhaft.",
        "Lieferant nachgeschult, Wareneingangsprüfung für das Teil auf 100 % erhöht.",
    ),
    "design": (
        "production",
        "Passung in der Konstruktion zu eng ausgelegt.",
        "Zeichnung geändert, Toleranzkette neu gerechnet.",
    ),
    "shipping": (
        "shipping",
        "Kommissionierung ohne Abgleich mit dem Lieferschein.",
        "Scannen jeder Position vor dem Verpacken eingeführt.",
    ),
    "documentation": (
        "quality",
        "Dokumente nicht im Versandpaket hinterlegt.",
        "Checkliste für Begleitdokumente im Versand eingeführt.",
    ),
    "service": (
        "service",
        "Einsatzplanung ohne Rückmeldung an den Kunden geändert.",
        "Terminänderungen werden dem Kunden am selben Tag bestätigt.",
    ),
    "customer_handling": (
        "quality",
        "Schaden beim Abladen durch den Kunden entstanden.",
        "Hinweise zum Abladen auf der Verpackung ergänzt.",
    ),
}
SUPPLIERS = ("Wälzlager Schweinfurt AG", "Hydraulik Nord GmbH", "Elektro Bauteile Kern KG")


# Receivables history. The dunning levels of migration receivables 0007 (code, days after the
# due date, days since the previous level, flat fee in cents (EUR), default interest); a test
# checks that they match the rows in the database.
DUNNING_LEVELS: tuple[tuple[str, int, int, int, bool], ...] = (
    ("reminder", 7, 0, 0, False),
    ("first", 21, 14, 0, True),
    ("second", 35, 14, 4000, True),
    ("final", 49, 14, 4000, True),
)
DUNNING_INTEREST_POINTS = 9  # over the base rate (settings.BASE_INTEREST_RATE)
DUNNING_LEVEL_NAMES = ("Zahlungserinnerung", "1. Mahnung", "2. Mahnung", "Letzte Mahnung")
# "nach der …": the level in the dative, for the notes of payment promises.
DUNNING_LEVEL_DATIVE = (
    "der Zahlungserinnerung",
    "der ersten Mahnung",
    "der zweiten Mahnung",
    "der letzten Mahnung",
)
DUNNING_TONES = ("friendly", "factual", "firm")
DUNNING_ACTIONS = ("send", "propose", "call")
NOTICE_STATUSES = ("sent", "replaced_by_call")
# The relationship as `receivables.dunning` judges it: paid up to this many days after the due
# date is not late; a habitual late payer paid at least half of 3 or more invoices late; a call
# replaces the final demand after this many years, a friendly tone the early letters after more.
LATE_TOLERANCE_DAYS = 5
HABITUAL_LATE_SHARE = 0.5
HABITUAL_MIN_INVOICES = 3
LONG_TENURE_YEARS = 5
LOYAL_YEARS = 10
# Who runs dunning and releases held orders; management releases those of key accounts.
ACCOUNTING_USERNAME = "accounting"
MANAGEMENT_USERNAME = "management"
# A promise counts as kept when the money is in by this many days after the promised date.
PROMISE_GRACE_DAYS = 3
