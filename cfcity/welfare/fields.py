"""A text field stored encrypted (cfcity.welfare.crypto); Python code sees plain text.

The stored value cannot be compared or searched: ``filter(name=…)`` finds nothing. Search
by ID number goes through the keyed hash column instead (``Child.id_hash``)."""
from __future__ import annotations

from django.db import models

from . import crypto, keys


class EncryptedTextField(models.TextField):
    def __init__(self, *args, purpose: str = "", **kwargs):
        self.purpose = purpose  # the associated data: binds a value to its column
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def _aad(self) -> str:
        return self.purpose or f"{self.model._meta.label_lower}.{self.attname}"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "" or not crypto.is_token(value):
            return value
        return keys.decrypt(value, self._aad())

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or crypto.is_token(value):
            return value
        return keys.encrypt(value, self._aad())
