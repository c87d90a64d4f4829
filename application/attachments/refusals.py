"""Why a file is refused: each with a stable code and a message in 中文 with English beside it."""

from __future__ import annotations

from domain.errors import DomainError, InvalidInput, NotFound


class EmptyFile(InvalidInput):
    code = "FILE_EMPTY"

    def __init__(self) -> None:
        super().__init__("文件为空,不能附加", "the file is empty")


class FileTooLarge(InvalidInput):
    code = "FILE_TOO_LARGE"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"文件超过上限 {limit} 字节", f"the file is larger than {limit} bytes", limit=limit
        )


class TypeNotAccepted(InvalidInput):
    code = "FILE_TYPE_NOT_ACCEPTED"

    def __init__(self, found: str) -> None:
        super().__init__(
            "只接受 PDF、OFD、DOCX、XLSX、JPEG、PNG 文件(按文件内容判断,而非文件名)",
            f"only PDF, OFD, DOCX, XLSX, JPEG and PNG are accepted, judged by content ({found})",
            found=found,
        )


class TruncatedFile(InvalidInput):
    code = "FILE_TRUNCATED"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}文件不完整(可能上传中断)", f"the {what} file is truncated")


class SuspiciousArchive(InvalidInput):
    """A zip (DOCX, XLSX, OFD) refused from its directory alone, nothing inflated."""

    code = "ARCHIVE_REFUSED"

    def __init__(self, why_zh: str, why_en: str) -> None:
        super().__init__(f"压缩包结构异常:{why_zh}", f"the archive is refused: {why_en}")


class UnreadableImage(InvalidInput):
    code = "IMAGE_UNREADABLE"

    def __init__(self) -> None:
        super().__init__("图片无法读取或尺寸过大", "the image cannot be read or is too large")


class UploadNotFound(NotFound):
    code = "UPLOAD_NOT_FOUND"

    def __init__(self, upload_id: str) -> None:
        super().__init__("上传的文件(已过期或不属于本人)", "upload", upload_id[:40])


class PersonalDataErased(DomainError):
    """The file's data subject was erased: the stored ciphertext remains, unreadable."""

    kind = "NOT_FOUND"
    code = "PERSONAL_DATA_ERASED"

    def __init__(self) -> None:
        super().__init__(
            "该文件含个人信息,数据主体已删除,内容不可再读",
            "the file's personal data was erased: its content can no longer be read",
        )
