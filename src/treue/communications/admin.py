from typing import Any

from django import forms
from django.contrib import admin
from django.template import Template, TemplateSyntaxError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from treue.customers.models import BuyingRole

from .models import (
    Communication,
    CommunicationEvent,
    CommunicationTemplate,
    RecipientRule,
)
from .rendering import ENGINE, preview


class CommunicationTemplateForm(forms.ModelForm):
    class Meta:
        model = CommunicationTemplate
        fields = ["type", "channel", "depth", "language", "subject", "body"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for field in ("subject", "body"):
            try:
                Template(data.get(field, ""), engine=ENGINE)
            except TemplateSyntaxError as exc:
                self.add_error(field, _("The template has an error: %(error)s") % {"error": exc})
        return data


@admin.register(CommunicationTemplate)
class CommunicationTemplateAdmin(admin.ModelAdmin):
    form = CommunicationTemplateForm
    list_display = ["type", "channel", "depth", "language", "subject", "updated_at"]
    list_filter = ["type", "channel", "depth", "language"]
    readonly_fields = ["preview_text"]

    @admin.display(description=_("preview with sample data"))
    def preview_text(self, obj: CommunicationTemplate) -> str:
        if not obj.pk:
            return "–"
        rendered = preview(template=obj)
        return format_html('<pre class="preview">{}\n\n{}</pre>', rendered.subject, rendered.body)


class RecipientRuleForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(
        label=_("buying-center roles"),
        choices=BuyingRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every role."),
    )

    class Meta:
        model = RecipientRule
        fields = ["type", "roles", "topic", "wait_seconds"]


@admin.register(RecipientRule)
class RecipientRuleAdmin(admin.ModelAdmin):
    form = RecipientRuleForm
    list_display = ["type", "topic", "wait_seconds"]


class CommunicationEventInline(admin.TabularInline):
    model = CommunicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ["status", "at", "detail"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(Communication)
class CommunicationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "type", "customer", "contact", "channel", "status"]
    list_filter = ["status", "channel", "type"]
    search_fields = ["customer__number", "customer__name", "order__number", "message_id"]
    list_select_related = ["customer", "contact"]
    inlines = [CommunicationEventInline]
    readonly_fields = [f.name for f in Communication._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False
