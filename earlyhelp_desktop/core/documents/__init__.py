"""Printed documents, generated as PDF bytes with reportlab (Qt-free).

* ``plan``: "Our family plan", the plain-language plan a family keeps (normal or large print);
* ``professional``: assessment summary, review record and closure summary for professionals;
* ``content`` (what a document says, also the issued snapshot), ``plan_content`` and ``summaries``
  (building it from a family's record), ``policy`` (who may receive what, and when the address is left
  out), ``layout``, ``styles``, ``fonts`` and ``words`` (shared page furniture, type and plain words).

The documents service (``ws.services.documents``) reads the store, applies the policy, records issued
versions and audit events, and hands the bytes to whoever prints or saves them.
"""
