"""The official forms on screen: the generic form screen and a household's list of forms.

    FormScreen(session, household_id, form_id=… | record_id=…)   fill, continue or review one form
    HouseholdForms(session, household_id)                         a household's forms: start,
                                                                  continue, review, sign off, print
"""

from ui.desktop.forms.form_list import HouseholdForms
from ui.desktop.forms.form_screen import FormScreen

__all__ = ["FormScreen", "HouseholdForms"]
