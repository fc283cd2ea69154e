"""Health bookings modelled on HL7 FHIR R4 scheduling: Schedule → Slot → Appointment."""

from backend.health import texts  # noqa: F401 - registers the domain's messages
