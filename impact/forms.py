"""The return form: one organisation's figures for one reporting year.

It is drawn inside other pages (the manage link's impact page, the yearly check-in), with
prefix "impact", so that it can sit beside another form. What a figure may hold is the
model's rule (ImpactReturn.clean); this form adds only the words and the layout.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout
from django import forms
from django.db import transaction
from django.utils.html import format_html

from impact import years
from impact.measures import ENVIRONMENT_CATEGORIES, FIELDS, MEASURES
from impact.models import DIGITS, ImpactReturn
from pledges.themes import THEMES
from pledges.validators import line_endings

PREFIX = "impact"
NUMBER_MESSAGES = {
    "pounds": "Enter a whole number of pounds, like 125000.",
    "fte": "Enter a number, with at most one decimal place, like 2.5.",
    "tonnes": "Enter a number of tonnes, with at most one decimal place, like 12.5.",
    "year": "Enter a year, like 2019.",
}


TOO_BIG = "Enter a smaller number: check for a slip of the keyboard."


def plain_number(value):
    """What people type for a number, as a number: "£12,500" and "12 500" are 12500."""
    if isinstance(value, str):
        return value.strip().removeprefix("£").replace(",", "").replace(" ", "")
    return value


class WholeNumber(forms.IntegerField):
    def to_python(self, value):
        return super().to_python(plain_number(value))


class Tenths(forms.DecimalField):
    def to_python(self, value):
        return super().to_python(plain_number(value))


class Account(forms.CharField):
    def to_python(self, value):
        return line_endings(super().to_python(value))


def number_field(measure, model_field):
    message = NUMBER_MESSAGES.get(measure.unit, "Enter a whole number, like 12.")
    label = measure.label if "optional" in measure.label else f"{measure.label} (optional)"
    options = {
        "label": label,
        "required": False,
        # The model's validators say what is too much; the browser's own checks would
        # speak before ours, in words we do not choose.
        "widget": forms.TextInput(
            attrs={"inputmode": "decimal" if measure.unit in ("fte", "tonnes") else "numeric"}
        ),
        "error_messages": {"invalid": message, "max_decimal_places": message,
                           "max_digits": TOO_BIG, "max_whole_digits": TOO_BIG},
    }  # fmt: skip
    if isinstance(model_field, forms.DecimalField):
        return Tenths(max_digits=DIGITS, decimal_places=1, **options)
    return WholeNumber(**options)


def help_text(measure):
    if not measure.codes:
        return measure.help
    return format_html(
        '{} <span class="measure-code">Measure: {}.</span>', measure.help, measure.reference
    )


class ReturnForm(forms.ModelForm):
    """ReturnForm(pledge, data=None, year=None): the pledge's return for `year` (by
    default the newest open year), edited if it exists. Only the fieldsets of the
    commitments the pledge made are asked. An all-empty form is valid and saves nothing."""

    year = forms.TypedChoiceField(label="Reporting year", coerce=int, choices=())

    class Meta:
        model = ImpactReturn
        fields = ["year", *FIELDS]

    def __init__(self, pledge, data=None, year=None, *, prefix=PREFIX, today=None, **kwargs):
        self.pledge = pledge
        self.open_years = years.open_years(today)
        chosen = _year(data.get(f"{prefix}-year") if data is not None else None, self.open_years)
        chosen = chosen or (year if year in self.open_years else self.open_years[0])
        instance = pledge.returns.filter(year=chosen).first() or ImpactReturn(
            pledge=pledge, year=chosen
        )
        super().__init__(data=data, instance=instance, prefix=prefix, **kwargs)
        self.fields["year"].choices = [(y, years.label(y)) for y in self.open_years]
        self.fields["year"].initial = chosen
        self.fields["year"].error_messages["invalid_choice"] = (
            "Choose a year that is still open: "
            + " or ".join(years.label(y) for y in self.open_years)
            + "."
        )
        self.themes = [theme for theme in THEMES if getattr(pledge, theme.field)]
        asked = {theme.slug for theme in self.themes}
        for measure in MEASURES:
            if measure.theme not in asked:
                del self.fields[measure.field]
                continue
            self.fields[measure.field] = self._field(measure)
            if measure.field in instance.hidden:
                self.fields[measure.field].help_text = format_html(
                    '{} <strong class="hidden-figure">Our team has hidden this figure from '
                    "the public pages: {}</strong>",
                    self.fields[measure.field].help_text,
                    instance.hidden_note,
                )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "year",
            *[
                Fieldset(
                    theme.title,
                    HTML(f'<p class="form-text">{theme.summary}</p>'),
                    *[m.field for m in MEASURES if m.theme == theme.slug],
                    css_id=f"impact-{theme.slug}",
                )
                for theme in self.themes
            ],
        )

    def _field(self, measure):
        model_field = self.fields[measure.field]
        if measure.unit == "yes-no":
            field = forms.NullBooleanField(
                label=measure.label,
                required=False,
                widget=forms.RadioSelect(choices=[(True, "Yes"), (False, "No")]),
            )
            field.error_anchor = f"id_{self.prefix}-{measure.field}_0"
        elif measure.unit == "list":
            field = forms.MultipleChoiceField(
                label=measure.label,
                required=False,
                choices=ENVIRONMENT_CATEGORIES,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"invalid_choice": "Choose from the categories listed."},
            )
            field.error_anchor = f"id_{self.prefix}-{measure.field}_0"
        elif measure.unit == "text":
            field = Account(
                label=f"{measure.label} (optional)",
                required=False,
                max_length=600,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={"max_length": "Write 600 characters or fewer."},
            )
        else:
            field = number_field(measure, model_field)
        field.help_text = help_text(measure)
        return field

    @property
    def chosen_year(self):
        return self.instance.year

    @property
    def year_label(self):
        return years.label(self.instance.year)

    def save(self, commit=True):
        """The return saved, or None when the form held no figure (an existing return
        that is emptied is removed: the organisation has taken its figures back)."""
        figures = {field: self.cleaned_data[field] for field in FIELDS if field in self.fields}
        row = self.instance
        for field, value in figures.items():
            setattr(row, field, value)
        if row.is_empty():
            # Taken back: gone, unless a moderator hid a figure of it. Then the row, and
            # what was hidden, stay (emptied), so that sending the figure again cannot
            # bring it back unhidden.
            if row.pk and row.hidden:
                row.save()
            elif row.pk:
                row.delete()
            return None
        with transaction.atomic():
            saved, _ = ImpactReturn.objects.update_or_create(
                pledge=self.pledge, year=row.year, defaults=figures
            )
        self.instance = saved
        return saved


def _year(value, allowed):
    try:
        year = int(value)
    except (TypeError, ValueError):
        return None
    return year if year in allowed else None
