"""The police forces a respondent can choose: the 43 territorial forces of England and
Wales and British Transport Police. Slugs are stable identifiers (stored with responses,
used on the command line); names are what people read.

The Force table is loaded from this list by a data migration, so every database has it.
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from surveys.models import Force

FORCES = [
    ("avon-and-somerset", _("Avon and Somerset Constabulary")),
    ("bedfordshire", _("Bedfordshire Police")),
    ("british-transport-police", _("British Transport Police")),
    ("cambridgeshire", _("Cambridgeshire Constabulary")),
    ("cheshire", _("Cheshire Constabulary")),
    ("city-of-london", _("City of London Police")),
    ("cleveland", _("Cleveland Police")),
    ("cumbria", _("Cumbria Constabulary")),
    ("derbyshire", _("Derbyshire Constabulary")),
    ("devon-and-cornwall", _("Devon and Cornwall Police")),
    ("dorset", _("Dorset Police")),
    ("durham", _("Durham Constabulary")),
    ("dyfed-powys", _("Dyfed-Powys Police")),
    ("essex", _("Essex Police")),
    ("gloucestershire", _("Gloucestershire Constabulary")),
    ("greater-manchester", _("Greater Manchester Police")),
    ("gwent", _("Gwent Police")),
    ("hampshire-and-isle-of-wight", _("Hampshire and Isle of Wight Constabulary")),
    ("hertfordshire", _("Hertfordshire Constabulary")),
    ("humberside", _("Humberside Police")),
    ("kent", _("Kent Police")),
    ("lancashire", _("Lancashire Constabulary")),
    ("leicestershire", _("Leicestershire Police")),
    ("lincolnshire", _("Lincolnshire Police")),
    ("merseyside", _("Merseyside Police")),
    ("metropolitan", _("Metropolitan Police Service")),
    ("norfolk", _("Norfolk Constabulary")),
    ("north-wales", _("North Wales Police")),
    ("north-yorkshire", _("North Yorkshire Police")),
    ("northamptonshire", _("Northamptonshire Police")),
    ("northumbria", _("Northumbria Police")),
    ("nottinghamshire", _("Nottinghamshire Police")),
    ("south-wales", _("South Wales Police")),
    ("south-yorkshire", _("South Yorkshire Police")),
    ("staffordshire", _("Staffordshire Police")),
    ("suffolk", _("Suffolk Constabulary")),
    ("surrey", _("Surrey Police")),
    ("sussex", _("Sussex Police")),
    ("thames-valley", _("Thames Valley Police")),
    ("warwickshire", _("Warwickshire Police")),
    ("west-mercia", _("West Mercia Police")),
    ("west-midlands", _("West Midlands Police")),
    ("west-yorkshire", _("West Yorkshire Police")),
    ("wiltshire", _("Wiltshire Police")),
]

FORCE_SLUGS = frozenset(slug for slug, _name in FORCES)


def load_forces(force_model: "type[Force]") -> None:
    """Create or rename the forces in ``force_model``'s table to match FORCES. Takes the
    model so that the data migration can pass its historical one."""
    for slug, name in FORCES:
        force_model.objects.update_or_create(slug=slug, defaults={"name": str(name)})
