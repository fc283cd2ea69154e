"""Online enrolment at entry grades (tuyển sinh đầu cấp)."""
