"""Health bookings modelled on HL7 FHIR R4 scheduling: Schedule → Slot → Appointment."""
