from django import forms

from campaign.models import Publisher
from campaign.spending.reader import COLUMNS, NEEDED

# What staff upload at once: a year of monthly files, with room to spare.
MOST_FILES = 24
LARGEST_FILE = 10 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError("Choose one or more spending files (CSV).")
        if len(files) > MOST_FILES:
            raise forms.ValidationError(f"Choose at most {MOST_FILES} files at once.")
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


class UploadForm(forms.Form):
    publisher = forms.ModelChoiceField(
        Publisher.objects.all(),
        required=False,
        empty_label="(a new publisher)",
        help_text="Whose spending the files are. Column names you map are remembered for it.",
    )
    new_publisher = forms.CharField(
        label="or a new publisher's name",
        max_length=120,
        required=False,
        help_text='For example "Lancashire Constabulary" or "Police and Crime Commissioner '
        'for Lancashire".',
    )
    files = MultipleFileField(
        label="Spending files",
        help_text=f"CSV files, up to {MOST_FILES} at once, {LARGEST_FILE // 2**20} MB each and "
        "100 MB in all. "
        "Nothing is imported until you have seen what each holds and confirmed.",
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        for file in files:
            if file.size > LARGEST_FILE:
                raise forms.ValidationError(
                    f"{file.name} is larger than {LARGEST_FILE // 2**20} MB: split it by month."
                )
        return files

    def clean(self):
        data = super().clean()
        chosen, new = data.get("publisher"), data.get("new_publisher", "").strip()
        if chosen and new:
            self.add_error("new_publisher", "Choose a publisher or name a new one, not both.")
        elif not chosen and not new:
            self.add_error("publisher", "Choose whose spending these files are, or name them.")
        elif new:
            existing = Publisher.objects.filter(name__iexact=new).first()
            data["publisher"] = existing or Publisher(name=new)
        return data


class ColumnsForm(forms.Form):
    """Which of a file's headings is which of ours: remembered for its publisher."""

    def __init__(self, headings, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "(not in this file)")] + [(h, h) for h in headings]
        for name, aliases in COLUMNS.items():
            self.fields[name] = forms.ChoiceField(
                label=aliases[0].capitalize(),
                choices=choices,
                required=name in NEEDED,
                error_messages={"required": f"Choose which column holds the {aliases[0]}."},
            )

    def clean(self):
        data = super().clean()
        chosen = [heading for heading in data.values() if heading]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Choose each heading for one column only.")
        return data

    def mapping(self):
        return {name: heading for name, heading in self.cleaned_data.items() if heading}
