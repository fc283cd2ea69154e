"""The gazetteer: wards and public places every other domain can point to."""
