"""Article 5 extension requests, their analysis and decision, and the extensions granted."""
