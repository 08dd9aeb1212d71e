"""The consent wordings the funnel asks for, and their version, in one place.

Consent counts only as given to a wording (GDPR art. 7: specific, informed, provable), so the
landing page's boxes and the Hub access form's marketing question use these exact sentences, and
every lead stores `CONSENT_VERSION` beside its answers. Change the version whenever a wording changes.
"""

from __future__ import annotations

CONSENT_VERSION = "2026-11-27.2"
# The page reveals the link at once; the email is kept for what concerns the file itself.
DELIVERY_WORDING = ("Give me the download link, and email me if this dataset is corrected or withdrawn (that is "
                    "what this form is for).")
MARKETING_WORDING = ("Also keep me posted about new datasets and the conversation generator, at most twice a "
                     "month. I can unsubscribe at any time.")
# The Hub's access form has no optional fields (HUB-FACTS: every field is required), so a checkbox
# would force the answer: marketing consent is asked as a Yes / No choice instead.
MARKETING_FIELD = "Keep me posted about new datasets and the conversation generator (at most twice a month)"
YES_NO = ("Yes", "No")
# The landing Space's feedback form: the email is optional, and kept only with its own consent
# (supabase/migrations/20261205010000_feedback.sql holds it: no address without the box, no box without the version).
FEEDBACK_QUESTION = "What would you like to see next?"
FEEDBACK_CONTACT_WORDING = ("You may write to this address about my suggestion (only about it; it is not a "
                            "newsletter sign-up).")
FEEDBACK_CONSENT_VERSION = "2026-12-05.1"
ROLES = ("Research", "Product / startup", "Enterprise", "Education", "Other")
