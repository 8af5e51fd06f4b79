"""The meeting progress report: the document the Coordinating Committee brings to a meeting,
as a PDF in English, French or Spanish (`GET /reports/progress.pdf`)."""
