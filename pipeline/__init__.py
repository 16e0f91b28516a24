"""intakeiq core library: the data model and the stages. Never imports prefect."""

__version__ = "0.1.0"
