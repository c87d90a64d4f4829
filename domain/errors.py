"""Domain errors: each has a stable code, a kind an interface maps to a status, and a message
in Chinese first with English beside it."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A refused command. `code` is stable for integrators; `kind` says what sort of refusal."""

    kind: ClassVar[str] = "BAD_USER_INPUT"
    code: ClassVar[str] = "DOMAIN_ERROR"

    def __init__(self, message_zh: str, message_en: str, **details: object) -> None:
        super().__init__(f"{message_zh} ({message_en})")
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details

    @property
    def message(self) -> str:
        return str(self)


class InvalidInput(DomainError):
    code = "INVALID_INPUT"


class UnknownSuggestion(InvalidInput):
    code = "UNKNOWN_SUGGESTION"

    def __init__(self, suggestion_ids: list[str]) -> None:
        super().__init__(
            "协商建议须来自该次协商",
            "the suggestion must be one of the consultation's",
            field="suggestionId",
            suggestionIds=suggestion_ids,
        )


class MissingReason(InvalidInput):
    code = "REASON_REQUIRED"

    def __init__(self, what_zh: str, what_en: str) -> None:
        super().__init__(f"{what_zh}必须说明理由", f"{what_en} requires a reason")


class RequiredField(InvalidInput):
    code = "FIELD_REQUIRED"

    def __init__(self, field: str, label: str) -> None:
        super().__init__(f"{label}不能为空", f"'{field}' is required", field=field)


class FieldTooLong(InvalidInput):
    code = "FIELD_TOO_LONG"

    def __init__(self, field: str, label: str, limit: int) -> None:
        super().__init__(
            f"{label}不能超过{limit}个字",
            f"'{field}' is longer than {limit} characters",
            field=field,
        )


class InvalidText(InvalidInput):
    """Text a record cannot keep: a control character, a lone surrogate (not Unicode)."""

    code = "INVALID_TEXT"

    def __init__(self, field: str, label: str, character: str, index: int) -> None:
        point = f"U+{ord(character):04X}"
        super().__init__(
            f"{label}含有不允许的字符 {point}(第{index + 1}个字符)",
            f"'{field}' contains a character that is not allowed: {point} at {index + 1}",
            field=field,
            character=point,
            index=index + 1,
        )


class UnknownCode(InvalidInput):
    code = "UNKNOWN_CODE"

    def __init__(self, vocabulary: str, value: str) -> None:
        super().__init__(
            f"未知的{vocabulary}代码:{value}",
            f"unknown {vocabulary} code: {value!r}",
            vocabulary=vocabulary,
            value=value,
        )


class WrongForm(InvalidInput):
    code = "WRONG_FORM"


class EmptyParticipants(InvalidInput):
    code = "PARTICIPANTS_REQUIRED"

    def __init__(self) -> None:
        super().__init__("协商须先明确参加人员", "a consultation needs identified participants")


class WrongState(DomainError):
    """The command does not fit the aggregate's current state."""

    kind = "CONFLICT"
    code = "WRONG_STATE"

    def __init__(self, what_zh: str, what_en: str, status_label: str, status_code: str) -> None:
        super().__init__(
            f"当前状态“{status_label}”下不能{what_zh}",
            f"cannot {what_en} while {status_code}",
            status=status_code,
        )


class AlreadyResolved(WrongState):
    code = "ALREADY_RESOLVED"


class ConcurrentModification(DomainError):
    """One reason for every version conflict, with the record's current version when known
    (the client reloads, or retries with it as `expectedVersion` once it has looked)."""

    kind = "CONFLICT"
    code = "CONCURRENT_MODIFICATION"

    def __init__(self, current_version: int | None = None, **details: object) -> None:
        if current_version is not None:
            details["currentVersion"] = current_version
        super().__init__(
            "该记录已被他人修改,请刷新后重试",
            "the record was changed by someone else; reload and retry",
            **details,
        )


class VersionMismatch(ConcurrentModification):
    """The client's expected version is not the record's: its own view was stale."""

    def __init__(self, current_version: int, expected_version: int) -> None:
        super().__init__(current_version, expectedVersion=expected_version)


class CommandIdReused(DomainError):
    kind = "CONFLICT"
    code = "COMMAND_ID_REUSED"

    def __init__(self, command_id: str) -> None:
        DomainError.__init__(
            self,
            f"指令编号“{command_id}”已用于另一项操作",
            f"command id {command_id!r} was already used for a different command",
            command_id=command_id,
        )


class NotFound(DomainError):
    kind = "NOT_FOUND"
    code = "NOT_FOUND"

    def __init__(self, what_zh: str, what_en: str, identifier: object) -> None:
        super().__init__(f"找不到{what_zh}:{identifier}", f"{what_en} {identifier} not found")
        self.record_type = what_en


class Forbidden(DomainError):
    kind = "FORBIDDEN"
    code = "FORBIDDEN"
