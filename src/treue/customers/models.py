from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from treue.core.money import Currency, money_field


class Industry(models.TextChoices):
    AUTOMOTIVE = "automotive", _("Automotive")
    MECHANICAL = "mechanical_engineering", _("Mechanical engineering")
    FOOD = "food", _("Food and beverages")
    CHEMICALS = "chemicals", _("Chemicals")
    PACKAGING = "packaging", _("Packaging")
    MEDICAL = "medical", _("Medical technology")
    ENERGY = "energy", _("Energy")
    ELECTRONICS = "electronics", _("Electronics")


class SizeClass(models.TextChoices):
    SMALL = "small", _("Small (< 50 employees)")
    MEDIUM = "medium", _("Medium (50–249 employees)")
    LARGE = "large", _("Large (250–999 employees)")
    ENTERPRISE = "enterprise", _("Enterprise (1,000+ employees)")


class Segment(models.TextChoices):
    A = "a", "A"
    B = "b", "B"
    C = "c", "C"


class CustomerStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    BLOCKED = "blocked", _("Blocked")


class Country(models.TextChoices):
    DE = "DE", _("Germany")
    AT = "AT", _("Austria")
    CH = "CH", _("Switzerland")


class PaymentTerms(models.Model):
    """E.g. "14 days 2 % Skonto, 30 days net"."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    net_days = models.PositiveSmallIntegerField(_("days net"))
    discount_days = models.PositiveSmallIntegerField(_("discount days"), null=True, blank=True)
    discount_percent = models.DecimalField(
        _("cash discount %"), max_digits=4, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("payment terms")
        verbose_name_plural = _("payment terms")
        ordering = ["net_days", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_days__isnull=True)
                | models.Q(discount_days__lt=models.F("net_days")),
                name="payment_terms_discount_before_net",
            ),
            models.CheckConstraint(
                condition=models.Q(discount_days__isnull=True, discount_percent__isnull=True)
                | models.Q(discount_days__isnull=False, discount_percent__gt=0),
                name="payment_terms_discount_complete",
            ),
        ]

    def __str__(self) -> str:
        if self.discount_days:
            return _("%(d)s days %(p)s %% cash discount, %(n)s days net") % {
                "d": self.discount_days,
                "p": f"{self.discount_percent:n}".rstrip("0").rstrip("."),
                "n": self.net_days,
            }
        return _("%(n)s days net") % {"n": self.net_days}


class Customer(models.Model):
    number = models.CharField(_("customer number"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    vat_id = models.CharField(_("VAT ID"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    industry = models.CharField(_("industry"), max_length=30, choices=Industry.choices)
    size_class = models.CharField(_("size class"), max_length=20, choices=SizeClass.choices)
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
    )
    segment = models.CharField(_("segment"), max_length=1, choices=Segment.choices, default="c")
    is_strategic = models.BooleanField(_("strategic"), default=False)
    credit_limit = money_field(_("credit limit"), default=0)
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR
    )
    payment_terms = models.ForeignKey(
        PaymentTerms, verbose_name=_("payment terms"), on_delete=models.PROTECT
    )
    customer_since = models.DateField(_("customer since"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="customer_name_idx"),
            models.Index(fields=["account_owner", "name"], name="customer_owner_idx"),
            models.Index(fields=["segment", "name"], name="customer_segment_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(credit_limit__gte=0), name="credit_limit_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.number})"


class AddressKind(models.TextChoices):
    BILLING = "billing", _("Billing address")
    DELIVERY = "delivery", _("Delivery address")
    PLANT = "plant", _("Plant")


class Address(models.Model):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(_("kind"), max_length=10, choices=AddressKind.choices)
    street = models.CharField(_("street"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=10)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__gte=-90, latitude__lte=90)
                & models.Q(longitude__gte=-180, longitude__lte=180),
                name="address_coordinates_valid",
            )
        ]

    def __str__(self) -> str:
        return f"{self.street}, {self.postal_code} {self.city}"


class BuyingRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    USER = "user", _("User")
    TECHNICAL_BUYER = "technical_buyer", _("Technical buyer")
    COMMERCIAL_BUYER = "commercial_buyer", _("Commercial buyer")
    INFLUENCER = "influencer", _("Influencer")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")


class Channel(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")


class Depth(models.TextChoices):
    TECHNICAL = "technical", _("Technical detail")
    SUMMARY = "summary", _("Summary")


class Topic(models.TextChoices):
    PRODUCTS = "products", _("New products")
    PRICES = "prices", _("Prices and conditions")
    DELIVERY = "delivery", _("Delivery and logistics")
    QUALITY = "quality", _("Quality")
    SERVICE = "service", _("Service and maintenance")
    MARKET = "market", _("Market information")
    REGULATION = "regulation", _("Regulation and standards")


class Contact(models.Model):
    """A person in the customer's decision network, with how they want to be addressed."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    job_title = models.CharField(_("job title"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    buying_role = models.CharField(
        _("buying-center role"), max_length=20, choices=BuyingRole.choices
    )
    preferred_channels = models.JSONField(
        _("preferred channels"), default=list, help_text=_("In order of preference.")
    )
    preferred_depth = models.CharField(
        _("preferred depth"), max_length=10, choices=Depth.choices, default=Depth.SUMMARY
    )
    topics = models.JSONField(_("topics of interest"), default=list, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=[("de", _("German")), ("en", _("English"))],
        default="de",
    )
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    consent_source = models.CharField(_("consent source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(marketing_consent=False)
                | models.Q(consent_at__isnull=False, consent_source__gt=""),
                name="contact_consent_recorded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_preferred_channels_display(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(c, c)) for c in self.preferred_channels]

    def get_topics_display(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(t, t)) for t in self.topics]


class Interaction(models.Model):
    """Contact history: who spoke with whom, when, through which channel."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="interactions")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="interactions"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    occurred_at = models.DateTimeField(_("date"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), null=True, on_delete=models.SET_NULL
    )
    summary = models.TextField(_("summary"))

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_customer_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d}"


class ServiceStation(models.Model):
    """The company's own service stations, from which technicians drive to customers."""

    name = models.CharField(_("name"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5)

    class Meta:
        verbose_name = _("service station")
        verbose_name_plural = _("service stations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
