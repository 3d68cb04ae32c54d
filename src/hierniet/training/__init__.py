"""Training: turning public labelled data into hierniet examples, and fitting the triage model."""
