"""The OpenAPI document: drf-spectacular's, with the one error shape declared on every operation, the bearer
token scheme, and the session described for the browser."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from housing_campaign.core.errors import ErrorCode

ERROR_STATUSES = {
    "400": "Dữ liệu không hợp lệ (JSON sai, sai kiểu, trường lạ, tham số sai).",
    "401": "Chưa xác thực, hoặc khóa API sai, hết hạn, đã thu hồi.",
    "403": "Không có quyền (vai trò, địa bàn, trạng thái, khóa chỉ đọc).",
    "404": "Không có, hoặc nằm ngoài địa bàn của bạn.",
    "405": "Phương thức không dùng được ở địa chỉ này.",
    "406": "Chỉ trả lời application/json.",
    "409": "Trạng thái hoặc phiên bản hồ sơ đã khác (expected_state, lock_version) hoặc không cho phép.",
    "413": "Nội dung gửi lên quá lớn.",
    "415": "Kiểu nội dung không được hỗ trợ.",
    "429": "Quá nhiều yêu cầu; xem tiêu đề Retry-After.",
}


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "housing_campaign.api.auth.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "Khóa API cá nhân: tạo ở “Khóa API” trên bàn làm việc hoặc bằng "
                               "`manage.py api_token create USERNAME`."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "housing_campaign.api.auth.CsrfSessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid",
                "description": "Phiên đăng nhập của trình duyệt (thao tác ghi cần tiêu đề X-CSRFToken)."}


def _error_schemas() -> dict:
    return {
        "ErrorDetail": {"type": "object", "required": ["code", "message", "field", "errors", "details"], "properties": {
            "code": {"type": "string", "enum": [c.value for c in ErrorCode],
                     "description": "Mã lỗi ổn định (ErrorCode), để chương trình xử lý; không dựa vào lời văn."},
            "message": {"type": "string", "description": "Thông báo bằng tiếng Việt (tiếng Anh khi chọn)."},
            "field": {"type": "string", "nullable": True, "description": "Trường đầu tiên bị lỗi, hoặc null."},
            "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                       "description": "Mọi lỗi theo từng trường."},
            "details": {"type": "array", "items": {"type": "string"}}}},
        "Error": {"type": "object", "required": ["error"],
                  "properties": {"error": {"$ref": "#/components/schemas/ErrorDetail"}}},
    }


def add_error_responses(result, generator, request, public):
    """drf-spectacular's POSTPROCESSING_HOOKS: every operation answers errors in the one shape (api/errors.py)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    # Request bodies refuse fields they do not know (serializers.StrictSerializer): the schema says so.
    for name, component in schemas.items():
        if name.endswith("Request") and component.get("type") == "object":
            component["additionalProperties"] = False
    schemas.update(_error_schemas())
    ref = {"$ref": "#/components/schemas/Error"}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(code, {"description": description,
                                            "content": {"application/json": {"schema": ref}}})
    return result
