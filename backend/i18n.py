"""Texts for people, Vietnamese first and English always, and the choice between them."""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class Locale(StrEnum):
    VI = "vi"
    EN = "en"


DEFAULT_LOCALE = Locale.VI

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Vietnamese, English)
    "internal": (
        "Đã có lỗi xảy ra. Vui lòng thử lại sau.",
        "Something went wrong. Please try again later.",
    ),
    "auth.required": ("Vui lòng đăng nhập.", "Please sign in."),
    "auth.token_invalid": (
        "Phiên đăng nhập không hợp lệ hoặc đã hết hạn.",
        "Your session is invalid or has expired.",
    ),
    "auth.refresh_invalid": (
        "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.",
        "Your session has expired. Please sign in again.",
    ),
    "auth.refresh_reused": (
        "Phiên đăng nhập đã bị thu hồi vì lý do an toàn. Vui lòng đăng nhập lại.",
        "Your session was revoked for your safety. Please sign in again.",
    ),
    "auth.bad_credentials": (
        "Số điện thoại, email hoặc mật khẩu không đúng.",
        "Wrong phone number, email or password.",
    ),
    "auth.account_disabled": ("Tài khoản đã bị khóa.", "This account is disabled."),
    "auth.slow_down": (
        "Bạn đã nhập sai nhiều lần. Vui lòng thử lại sau {retry_after_seconds} giây.",
        "Too many failed attempts. Try again in {retry_after_seconds} seconds.",
    ),
    "auth.locked": (
        "Đăng nhập tạm thời bị khóa. Vui lòng thử lại sau {retry_after_seconds} giây.",
        "Sign-in is locked for now. Try again in {retry_after_seconds} seconds.",
    ),
    "forbidden": ("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    "not_found": ("Không tìm thấy {what}.", "{what} not found."),
    "input.required": ("Vui lòng nhập {field}.", "{field} is required."),
    "input.too_long": (
        "Nội dung {field} quá dài (tối đa {max} ký tự).",
        "{field} is too long (at most {max} characters).",
    ),
    "input.phone_invalid": (
        "Số điện thoại di động Việt Nam không hợp lệ.",
        "Not a valid Vietnamese mobile number.",
    ),
    "input.email_invalid": ("Địa chỉ email không hợp lệ.", "Not a valid email address."),
    "input.phone_or_email": (
        "Vui lòng nhập số điện thoại hoặc email.",
        "Enter a phone number or an email address.",
    ),
    "input.password_short": (
        "Mật khẩu phải có ít nhất {min} ký tự.",
        "The password must have at least {min} characters.",
    ),
    "input.page_size": (
        "Số mục mỗi trang phải từ 1 đến {max}.",
        "Page size must be between 1 and {max}.",
    ),
    "input.cursor_invalid": ("Con trỏ phân trang không hợp lệ.", "Invalid pagination cursor."),
    "input.id_invalid": ("Mã định danh không hợp lệ.", "Invalid identifier."),
    "input.coordinates": ("Tọa độ không hợp lệ.", "Invalid coordinates."),
    "input.radius": (
        "Bán kính phải từ 1 đến {max} mét.",
        "Radius must be between 1 and {max} metres.",
    ),
    "input.invalid": ("Giá trị không hợp lệ: {detail}", "Invalid value: {detail}"),
    "input.text_invalid": (
        "Mục {field} có ký tự không hợp lệ.",
        "{field} contains characters that are not allowed.",
    ),
    "input.list_size": (
        "Danh sách phải có từ 1 đến {max} mục.",
        "The list must have between 1 and {max} items.",
    ),
    "input.token_or_fid": (
        "Vui lòng gửi đúng một trong hai: token hoặc fid.",
        "Send exactly one of token or fid.",
    ),
    "input.quiet_hours": (
        "Giờ bắt đầu và kết thúc của khung giờ yên lặng phải khác nhau.",
        "Quiet hours must start and end at different times.",
    ),
    "conflict.phone_taken": (
        "Số điện thoại này đã được đăng ký.",
        "This phone number is already registered.",
    ),
    "conflict.email_taken": ("Email này đã được đăng ký.", "This email is already registered."),
    "query.too_complex": ("Truy vấn quá phức tạp: {detail}", "Query too complex: {detail}"),
    "query.invalid": ("Truy vấn không hợp lệ: {detail}", "Invalid query: {detail}"),
    "service.unavailable": (
        "Dịch vụ đang tạm thời gián đoạn. Vui lòng thử lại sau ít phút.",
        "The service is temporarily unavailable. Please try again in a moment.",
    ),
    "http.bad_request": ("Yêu cầu không hợp lệ.", "The request is not valid."),
    "http.not_found": ("Không tìm thấy địa chỉ này.", "Nothing is served at this address."),
    "http.method": ("Chỉ chấp nhận phương thức GET và POST.", "Only GET and POST are accepted."),
    "http.content_type": (
        "Nội dung yêu cầu phải có kiểu application/json.",
        "The request body must be sent as application/json.",
    ),
    "http.encoding": (
        "Nội dung yêu cầu phải được mã hóa UTF-8.",
        "The request body must be encoded as UTF-8.",
    ),
    "http.body_invalid": (
        "Yêu cầu không phải JSON hợp lệ.",
        "The request's JSON is not valid.",
    ),
    "http.body_not_object": (
        "Nội dung yêu cầu phải là một đối tượng JSON có trường query.",
        "The request body must be a JSON object with a query.",
    ),
    "http.batching": (
        "Mỗi yêu cầu chỉ được chứa một thao tác.",
        "Send one operation per request; batches are not accepted.",
    ),
    "http.member_invalid": (
        "Trường {member} của yêu cầu không đúng kiểu.",
        "The request's {member} has the wrong type.",
    ),
    "http.too_deep": (
        "Dữ liệu của yêu cầu lồng nhau quá sâu (tối đa {max} cấp).",
        "The request's data is nested too deeply (at most {max} levels).",
    ),
    "http.too_large": (
        "Yêu cầu quá lớn (tối đa {max} KB).",
        "The request is too large (at most {max} KB).",
    ),
    "http.query_missing": (
        "Yêu cầu không có truy vấn GraphQL.",
        "The request has no GraphQL query.",
    ),
    "http.operation_unknown": (
        "Truy vấn không có thao tác nào tên “{name}”.",
        "The document has no operation named “{name}”.",
    ),
    "http.operation_missing": (
        "Truy vấn không có thao tác nào để thực hiện.",
        "The document has no operation to run.",
    ),
    "http.mutation_over_get": (
        "Thao tác thay đổi dữ liệu phải được gửi bằng POST.",
        "Mutations must be sent with POST.",
    ),
    "http.operation_type": (
        "Loại thao tác này không được chấp nhận qua {method}.",
        "This kind of operation is not accepted over {method}.",
    ),
}


def register_messages(messages: dict[str, tuple[str, str]]) -> None:
    """Add a domain's texts (key: (Vietnamese, English)); a key may be defined only once."""
    clashes = MESSAGES.keys() & messages.keys()
    if clashes:
        raise ValueError(f"message keys defined twice: {sorted(clashes)}")
    MESSAGES.update(messages)


def register_field_labels(labels: dict[str, tuple[str, str]]) -> None:
    FIELD_LABELS.update(labels)


# How fields are named to people in messages; the machine-readable name goes in `extensions`.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "displayName": ("tên hiển thị", "Display name"),
    "password": ("mật khẩu", "Password"),
    "phone": ("số điện thoại", "Phone number"),
    "email": ("email", "Email"),
    "identifier": ("số điện thoại hoặc email", "Phone number or email"),
    "refreshToken": ("mã phiên đăng nhập", "Refresh token"),
    "kinds": ("loại địa điểm", "Place kinds"),
}


def field_label(field: str, locale: Locale) -> str:
    vi, en = FIELD_LABELS.get(field, (field, field))
    return en if locale is Locale.EN else vi


def translate(key: str, locale: Locale, **params: Any) -> str:
    vi, en = MESSAGES.get(key, MESSAGES["internal"])
    template = en if locale is Locale.EN else vi
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def negotiate_locale(accept_language: str | None) -> Locale:
    """Pick vi or en from an Accept-Language header by quality; Vietnamese by default."""
    if not accept_language:
        return DEFAULT_LOCALE
    best: tuple[float, Locale] | None = None
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        try:
            locale = Locale(primary)
        except ValueError:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        if quality > 0 and (best is None or quality > best[0]):
            best = (quality, locale)
    return best[1] if best else DEFAULT_LOCALE
