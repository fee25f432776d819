"""Catalogue forms: listings, person profiles, organisation profiles, community suggestions."""
from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional

from marketplace import taxonomy
from marketplace.fields import DateField, PoundsField, WholeNumberField, options, today, years_ahead
from marketplace.taxonomy import PRICE_UNITS

from .community import EVENT_YEARS_AHEAD, REPEATS
from .models import ACCESSIBILITY_FEATURES, DAYS, DELIVERY_MODES, LANGUAGES


def category_choices():
    by_group: dict[str, list] = {}
    for slug, cat in sorted(taxonomy.categories().items(), key=lambda kv: kv[1]["name"]):
        by_group.setdefault(cat["group"], []).append((slug, cat["name"]))
    return [("", "Choose a category")] + [(slug, name) for group in sorted(by_group) for slug, name in by_group[group]]


def outcome_choices():
    return [(code, o["plain"]) for code, o in taxonomy.outcomes().items()]


def split_areas(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").replace(";", ",").replace("\n", ",").split(",") if part.strip()]


class ListingForm(FlaskForm):
    title = StringField("Title", widget=GovTextInput(), description="What people would search for, like 'Help with gardening'.",
                        validators=[InputRequired("Enter a title"), Length(max=200)])
    summary = StringField("Summary in one sentence", widget=GovTextInput(), validators=[InputRequired("Enter a summary"), Length(max=300)])
    description = TextAreaField("Description (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    category = SelectField("Category", widget=GovSelect(), validators=[InputRequired("Choose a category")])
    outcomes = SelectMultipleField("What does it help people with?", widget=GovCheckboxesInput(), validators=[Optional()])
    price = PoundsField("Price in pounds", widget=GovTextInput(), description="Leave empty if it is free.", what="The price", validators=[Optional()])
    price_unit = RadioField("The price is for", widget=GovRadioInput(), choices=options(list(PRICE_UNITS.items())), default="hour",
                            validators=[InputRequired("Choose what the price is for")])
    vat_rate_percent = RadioField("VAT", widget=GovRadioInput(), default="0", coerce=int,
                                  choices=options([(0, "No VAT (most care and support is exempt)"), (5, "5%"), (20, "20%")]))
    notice_hours = WholeNumberField("Notice needed to cancel, in hours", widget=GovTextInput(), default=24, most=24 * 60, what="The notice period",
                                    validators=[InputRequired("Enter the notice period in hours")])
    cancellation_charge_percent = WholeNumberField("Charge for cancelling inside the notice period, as a percentage", widget=GovTextInput(),
                                                   default=100, most=100, what="The charge",
                                                   validators=[InputRequired("Enter a percentage")])
    delivery_modes = SelectMultipleField("Where does it happen?", widget=GovCheckboxesInput(), choices=options(list(DELIVERY_MODES.items())),
                                         validators=[InputRequired("Choose where it happens")])
    areas = StringField("Areas you cover", widget=GovTextInput(), description="The first part of postcodes, separated by commas, like SK1, SK2.",
                        validators=[Optional(), Length(max=500)])
    venue_address = TextAreaField("Venue address (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=500)])
    days = SelectMultipleField("Days available", widget=GovCheckboxesInput(), choices=options(list(DAYS.items())), validators=[Optional()])
    times = StringField("Times (optional)", widget=GovTextInput(), description="Like '9am to 5pm' or 'evenings'.", validators=[Optional(), Length(max=200)])
    min_age = WholeNumberField("Youngest age (optional)", widget=GovTextInput(), most=120, what="The youngest age", validators=[Optional()])
    max_age = WholeNumberField("Oldest age (optional)", widget=GovTextInput(), most=120, what="The oldest age", validators=[Optional()])
    accessibility_features = SelectMultipleField("Accessibility", widget=GovCheckboxesInput(), choices=options(list(ACCESSIBILITY_FEATURES.items())), validators=[Optional()])
    languages = SelectMultipleField("Languages", widget=GovCheckboxesInput(), choices=options(list(LANGUAGES.items())), validators=[Optional()])
    how_to_join = TextAreaField("How to join (for free community activities)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    contact = StringField("How to contact you about this (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    submit = SubmitField("Save", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = options(category_choices())
        self.outcomes.choices = options(outcome_choices())

    def listing_fields(self) -> dict:
        return {
            "title": self.title.data, "summary": self.summary.data, "description": self.description.data or "",
            "category": self.category.data, "outcomes": self.outcomes.data or [], "price_pence": self.price.pence,
            "price_unit": self.price_unit.data, "vat_rate_percent": self.vat_rate_percent.data,
            "notice_hours": self.notice_hours.data, "cancellation_charge_percent": self.cancellation_charge_percent.data,
            "delivery_modes": self.delivery_modes.data or [], "areas": split_areas(self.areas.data),
            "venue_address": self.venue_address.data or None, "days": self.days.data or [], "times": self.times.data or None,
            "min_age": self.min_age.data, "max_age": self.max_age.data,
            "accessibility_features": self.accessibility_features.data or [], "languages": self.languages.data or [],
            "how_to_join": self.how_to_join.data or None, "contact": self.contact.data or None,
        }

    def fill_from(self, listing) -> None:
        for name in ("title", "summary", "description", "category", "outcomes", "price_unit", "vat_rate_percent",
                     "notice_hours", "cancellation_charge_percent", "delivery_modes", "venue_address", "days", "times",
                     "min_age", "max_age", "accessibility_features", "languages", "how_to_join", "contact"):
            getattr(self, name).data = getattr(listing, name)
        self.price.data = "" if listing.price_pence is None else f"{listing.price_pence / 100:.2f}"
        self.areas.data = ", ".join(listing.areas)


class PersonForm(ListingForm):
    """A personal assistant or peer broker listed as a person."""

    display_name = StringField("Your name as people will see it", widget=GovTextInput(), validators=[InputRequired("Enter your name"), Length(max=200)])
    person_role = RadioField("You are a", widget=GovRadioInput(), default="personal_assistant",
                             choices=options([("personal_assistant", "Personal assistant"), ("peer_broker", "Peer broker")]))
    skills = StringField("Skills, separated by commas", widget=GovTextInput(), description="Like: cooking, driving, mental health first aid.",
                         validators=[Optional(), Length(max=500)])
    dbs_checked_on = DateField("Date of your last DBS check (optional)", widget=GovDateInput(), latest=today, validators=[Optional()])
    references_available = BooleanField("I can give references", widget=GovCheckboxInput(), validators=[Optional()])
    lived_experience = TextAreaField("Lived experience (optional, for peer brokers)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    availability = StringField("When you are available (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=300)])

    def person_fields(self) -> dict:
        return {
            "display_name": self.display_name.data, "role": self.person_role.data,
            "skills": split_areas(self.skills.data), "dbs_checked_on": self.dbs_checked_on.data,
            "references_available": bool(self.references_available.data),
            "lived_experience": self.lived_experience.data or None, "availability": self.availability.data or None,
        }

    def fill_from(self, listing) -> None:
        super().fill_from(listing)
        person = listing.person
        if person is not None:
            self.display_name.data = person.display_name
            self.person_role.data = person.role
            self.skills.data = ", ".join(person.skills)
            self.dbs_checked_on.data = person.dbs_checked_on
            self.references_available.data = person.references_available
            self.lived_experience.data = person.lived_experience
            self.availability.data = person.availability


class OrganisationProfileForm(FlaskForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Enter a name"), Length(max=200)])
    summary = StringField("What you do, in a sentence", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    description = TextAreaField("More about you (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=5000)])
    email = EmailField("Contact email", widget=GovTextInput(), validators=[Optional(), Email("Enter an email address like name@example.com")])
    phone = StringField("Contact phone (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=40)])
    website = StringField("Website (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    address = TextAreaField("Address (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=500)])
    areas_served = StringField("Areas you serve", widget=GovTextInput(), description="The first part of postcodes, separated by commas.",
                               validators=[Optional(), Length(max=500)])
    languages = SelectMultipleField("Languages", widget=GovCheckboxesInput(), choices=options(list(LANGUAGES.items())), validators=[Optional()])
    accessibility = TextAreaField("Accessibility (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    # No rating field: the CQC's rating is imported from its care directory, matched on this id.
    cqc_location_id = StringField("CQC location ID (if you provide regulated care)", widget=GovTextInput(),
                                  description="Like 1-123456789. Your CQC rating and the date of the CQC's latest check are "
                                              "taken from the CQC's care directory using this ID, so you do not enter them.",
                                  validators=[Optional(), Length(max=20)])
    submit = SubmitField("Save profile", widget=GovSubmitInput())


class PhotoForm(FlaskForm):
    photo = FileField("Photo", widget=GovFileInput(), description="JPG, PNG or WebP, smaller than 2 MB.",
                      validators=[FileRequired("Choose a photo"), FileAllowed(["jpg", "jpeg", "png", "webp"], "The file must be a JPG, PNG or WebP photo")])
    alt_text = StringField("Describe the photo for people who cannot see it", widget=GovTextInput(),
                           validators=[InputRequired("Describe the photo"), Length(max=300)])
    submit = SubmitField("Add photo", widget=GovSubmitInput())


class CommunityEventForm(FlaskForm):
    starts_on = DateField("First date", widget=GovDateInput(), latest=years_ahead(EVENT_YEARS_AHEAD), validators=[InputRequired("Enter the first date")])
    start_time = StringField("Starts at (optional)", widget=GovTextInput(), description="Like 10:30", validators=[Optional(), Length(max=5)])
    end_time = StringField("Ends at (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=5)])
    repeats = RadioField("How often?", widget=GovRadioInput(), choices=options(list(REPEATS.items())), default="none",
                         validators=[InputRequired("Choose how often it happens")])
    until = DateField("Last date (optional)", widget=GovDateInput(), latest=years_ahead(EVENT_YEARS_AHEAD), validators=[Optional()])
    submit = SubmitField("Add dates", widget=GovSubmitInput())


class SuggestCommunityForm(CommunityEventForm):
    council = SelectField("Which council area is it in?", widget=GovSelect(), coerce=int, validators=[InputRequired("Choose a council area")])
    title = StringField("Name of the group or activity", widget=GovTextInput(), validators=[InputRequired("Enter the name"), Length(max=200)])
    summary = StringField("What happens there, in a sentence", widget=GovTextInput(), validators=[InputRequired("Say what happens there"), Length(max=300)])
    description = TextAreaField("More details (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=3000)])
    venue_address = TextAreaField("Where (optional)", widget=GovTextArea(), validators=[Optional(), Length(max=500)])
    areas = StringField("First part of the postcode", widget=GovTextInput(), validators=[InputRequired("Enter the first part of the postcode, like SK4"), Length(max=20)])
    how_to_join = TextAreaField("How to join", widget=GovTextArea(), description="Like: just turn up, or call Jo on 0161 000 0000.",
                                validators=[InputRequired("Say how people can join"), Length(max=2000)])
    contact = StringField("Contact for the group (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    suggested_by_name = StringField("Your name", widget=GovTextInput(), validators=[InputRequired("Enter your name"), Length(max=200)])
    suggested_by_email = EmailField("Your email (optional)", widget=GovTextInput(), description="We will tell you when it is published.",
                                    validators=[Optional(), Email("Enter an email address like name@example.com")])
    starts_on = DateField("Next date (optional)", widget=GovDateInput(), latest=years_ahead(EVENT_YEARS_AHEAD), validators=[Optional()])
    submit = SubmitField("Send suggestion", widget=GovSubmitInput())


class ModerationForm(FlaskForm):
    decision = RadioField("Decision", widget=GovRadioInput(), validators=[InputRequired("Choose a decision")],
                          choices=options([("published", "Publish it"), ("rejected", "Do not publish it")]))
    reason = TextAreaField("Reason (needed if you do not publish it)", widget=GovTextArea(), validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save decision", widget=GovSubmitInput())


class AgreedPriceForm(FlaskForm):
    price = PoundsField("Agreed price in pounds", widget=GovTextInput(), what="The agreed price", validators=[InputRequired("Enter the agreed price")])
    note = StringField("Note (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=300)])
    submit = SubmitField("Save agreed price", widget=GovSubmitInput())


class UnmetNeedForm(FlaskForm):
    description = TextAreaField("Tell us what you need", widget=GovTextArea(),
                                description="What support, where and when. Do not include your name or other personal details.",
                                validators=[InputRequired("Tell us what you were looking for"), Length(max=2000)])
    query = StringField(validators=[Optional(), Length(max=200)])
    area = StringField(validators=[Optional(), Length(max=8)])
    submit = SubmitField("Send", widget=GovSubmitInput())
