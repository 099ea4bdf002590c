"""Minutebook: a static, searchable archive of council committee minutes and agendas."""

__version__ = "0.1.0"
