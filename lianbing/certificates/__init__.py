"""Certificates: 荣誉证书 for the commended (approved awards, accepted nominations, the city's
recommendations to the province) and 结业证书 for completed study (from the parts'
``certificate_qualifications``), as A4 landscape PDFs with a serial number and a QR code that
opens the public verification page ``/v/<code>``.

``qualifications`` says who qualifies for what, ``services`` issues and revokes, ``pdf`` draws,
``views`` serves the pages. Reads rankings (awards, nominations, recommendations); nothing
imports it but ``setup``, ``models`` and ``words``.
"""
