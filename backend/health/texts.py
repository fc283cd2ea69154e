"""Messages of the health domain's refusals and the names of its input fields, vi and en."""

from __future__ import annotations

from backend.i18n import register_field_labels, register_messages

register_messages(
    {
        "health.facility_not_found": ("Không tìm thấy cơ sở y tế.", "Health facility not found."),
        "health.slot_not_found": ("Không tìm thấy khung giờ khám.", "Time slot not found."),
        "health.appointment_not_found": ("Không tìm thấy lịch hẹn.", "Appointment not found."),
        "health.dependant_not_found": ("Không tìm thấy người thân.", "Dependant not found."),
        "health.practitioner_not_found": ("Không tìm thấy bác sĩ.", "Practitioner not found."),
        "health.specialty_unknown": ("Chuyên khoa không tồn tại.", "Unknown specialty."),
        "health.specialty_not_offered": (
            "Cơ sở y tế không có chuyên khoa này.",
            "The facility does not offer this specialty.",
        ),
        "health.practitioner_specialty": (
            "Bác sĩ không thuộc chuyên khoa này.",
            "The practitioner does not work in this specialty.",
        ),
        "health.slot_past": ("Khung giờ này đã qua.", "This time slot has already passed."),
        "health.slot_full": (
            "Khung giờ này đã hết chỗ. Vui lòng chọn giờ khác.",
            "This time slot is fully booked. Please choose another.",
        ),
        "health.slot_closed": (
            "Cơ sở y tế không nhận khám vào khung giờ này.",
            "The facility is closed at this time.",
        ),
        "health.overlapping": (
            "Người bệnh đã có lịch hẹn khác trùng thời gian này.",
            "The patient already has an appointment at this time.",
        ),
        "health.too_many_upcoming": (
            "Mỗi tài khoản chỉ được giữ tối đa {max} lịch hẹn sắp tới.",
            "An account may hold at most {max} upcoming appointments.",
        ),
        "health.cancel_too_late": (
            "Chỉ có thể hủy hoặc đổi lịch trước giờ khám ít nhất {minutes} phút.",
            "Appointments can be cancelled or moved up to {minutes} minutes before they start.",
        ),
        "health.status_transition": (
            "Không thể thực hiện thao tác này với lịch hẹn ở trạng thái hiện tại.",
            "This cannot be done to the appointment in its current status.",
        ),
        "health.not_started": (
            "Chỉ có thể ghi nhận vắng mặt sau giờ hẹn.",
            "A no-show can be recorded only once the appointment has started.",
        ),
        "health.same_slot": (
            "Vui lòng chọn một khung giờ khác với lịch hiện tại.",
            "Choose a time slot other than the current one.",
        ),
        "health.reschedule_other_facility": (
            "Chỉ có thể đổi sang khung giờ của cùng cơ sở y tế.",
            "An appointment can only move to another slot of the same facility.",
        ),
        "health.insurance_card_invalid": (
            "Số thẻ BHYT không hợp lệ. Nhập mã thẻ 15 ký tự (ví dụ DN4460123456789) "
            "hoặc mã số BHXH 10 chữ số.",
            "Invalid health insurance number: enter the 15-character card code "
            "(e.g. DN4460123456789) or the 10-digit social insurance number.",
        ),
        "health.insurance_not_accepted": (
            "Cơ sở y tế này không khám bảo hiểm y tế.",
            "This facility does not accept national health insurance.",
        ),
        "health.patient_choice": (
            "Chọn đặt lịch cho bản thân hoặc cho một người thân.",
            "Book either for yourself or for one dependant.",
        ),
        "health.date_range": (
            "Khoảng thời gian không hợp lệ (tối đa {max_days} ngày).",
            "Invalid period (at most {max_days} days).",
        ),
        "health.datetime_offset": (
            "Thời gian phải ghi kèm múi giờ.",
            "Times must include a UTC offset.",
        ),
        "health.schedule_interval": (
            "Giờ bắt đầu phải trước giờ kết thúc, đủ cho ít nhất một lượt khám.",
            "The start must come before the end, with room for at least one slot.",
        ),
        "health.slot_minutes": (
            "Thời lượng mỗi lượt khám phải từ {min} đến {max} phút.",
            "A slot must last between {min} and {max} minutes.",
        ),
        "health.capacity": (
            "Số người mỗi lượt phải từ 1 đến {max}.",
            "Capacity must be between 1 and {max}.",
        ),
        "health.schedule_overlap": (
            "Lịch làm việc này trùng với một lịch đã có.",
            "This availability overlaps an existing one.",
        ),
        "health.closure_past": (
            "Không thể đặt lịch nghỉ cho những ngày đã qua.",
            "A closure cannot end in the past.",
        ),
        "health.closure_too_far": (
            "Chỉ có thể đặt lịch nghỉ trong vòng {max_days} ngày tới.",
            "A closure can end at most {max_days} days ahead.",
        ),
        "health.date_of_birth": ("Ngày sinh không hợp lệ.", "Invalid date of birth."),
        "health.too_many_dependants": (
            "Mỗi tài khoản chỉ được thêm tối đa {max} người thân.",
            "An account may register at most {max} dependants.",
        ),
    }
)

register_field_labels(
    {
        "slotId": ("khung giờ khám", "Time slot"),
        "newSlotId": ("khung giờ mới", "New time slot"),
        "appointmentId": ("lịch hẹn", "Appointment"),
        "insuranceCardNumber": ("số thẻ BHYT", "Health insurance number"),
        "reason": ("lý do", "Reason"),
        "patient": ("người khám", "Patient"),
        "facilityId": ("cơ sở y tế", "Health facility"),
        "practitionerId": ("bác sĩ", "Practitioner"),
        "specialty": ("chuyên khoa", "Specialty"),
        "from": ("thời gian bắt đầu", "From"),
        "to": ("thời gian kết thúc", "To"),
        "day": ("ngày", "Day"),
        "fullName": ("họ và tên", "Full name"),
        "dateOfBirth": ("ngày sinh", "Date of birth"),
        "weekday": ("thứ", "Weekday"),
        "start": ("giờ bắt đầu", "Start"),
        "end": ("giờ kết thúc", "End"),
        "slotMinutes": ("thời lượng mỗi lượt", "Slot length"),
        "capacity": ("số người mỗi lượt", "Capacity"),
        "startsOn": ("ngày bắt đầu", "First day"),
        "endsOn": ("ngày kết thúc", "Last day"),
        "reasonVi": ("lý do (tiếng Việt)", "Reason (Vietnamese)"),
        "reasonEn": ("lý do (tiếng Anh)", "Reason (English)"),
    }
)
