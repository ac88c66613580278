from django.db import models


class Postcode(models.Model):
    """One postcode of the ONS Postcode Directory: its council area and grid reference.

    Loaded by `manage.py load_postcodes`; read through backing_lancashire.postcodes, which
    holds the rules (what a postcode looks like, which councils are Lancashire's).
    """

    # The compact form, upper case with no spaces ("PR12AB"), so a lookup is one key.
    code = models.CharField(max_length=7, primary_key=True)
    # The ONS local authority district code (E07000123 is Preston); blank where the
    # directory gives none, which is read as unknown, never guessed.
    council = models.CharField(max_length=9, blank=True)
    # Ordnance Survey grid reference in metres; null where the directory gives none.
    easting = models.PositiveIntegerField(null=True)
    northing = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [
            # For "within N miles": a bounding box on the grid first, then the distance.
            models.Index(fields=["easting", "northing"], name="postcode_grid"),
        ]

    def __str__(self):
        return self.code
