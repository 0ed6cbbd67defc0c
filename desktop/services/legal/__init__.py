"""法律援助: legal-aid cases, their documents and the annual table.

Modules and their roles (callers import the module they need by name):

- ``cases``: the case itself — intake, member or non-member applicant, type, stages
  受理 → 调解/仲裁/诉讼/咨询 → 结案, outcome and amount recovered. The one writer of
  ``legal_cases``.
- ``documents``: PDF/JPEG/PNG files filed with a case, stored once by SHA-256 in
  ``attachments``. The one writer of ``legal_case_documents``.
- ``figures``: cases by type and outcome and the amount recovered, for the annual report.
"""
