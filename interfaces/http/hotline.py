"""POST /hotline/service-requests: the 12345 hotline pushes one work order (Open311-like JSON).
Integration role only. 201 with the matter's id when taken in, 200 when the same order came
before; refusals (bad input, the ticket re-sent with other content) in the GraphQL error shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from application.calendar import DISTRICT_TIME
from application.receipts import Command
from application.work_orders import WorkOrder
from domain.base import Actor
from domain.errors import DomainError
from domain.vocabulary import Category, Role
from interfaces.edge.blocking import blocking
from interfaces.edge.consistency import views_reach_the_command
from interfaces.edge.moments import moment
from interfaces.http.callers import from_domain, refusal, signed_in, system_of
from interfaces.intake.orders import within_range

router = APIRouter(prefix="/hotline", tags=["12345 hotline 热线对接"])


class ServiceRequest(BaseModel):
    """One work order. Open311 GeoReport names, plus platform_id, street and title."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    service_request_id: str = Field(min_length=1, max_length=40, description="工单编号")
    description: str = Field(min_length=1, description="诉求内容")
    platform_id: UUID | None = Field(default=None, description="协商议事平台 (或令牌范围)")
    title: str = Field(default="", description="诉求标题")
    service_name: str = Field(default="", description="诉求分类")
    agency_responsible: str = Field(default="", description="承办单位")
    requested_datetime: datetime | None = Field(default=None, description="受理时间")
    address: str = Field(default="", description="地址 (个人信息)")
    street: str = Field(default="", description="所属街乡")
    contact_name: str = Field(default="", description="诉求人 (个人信息)")
    contact_phone: str = Field(default="", description="联系电话 (个人信息)")
    category: str = Field(default="governance", description="事项类别 code, 默认 基层治理难事")

    def to_order(self) -> WorkOrder:
        return WorkOrder(
            ticket=self.service_request_id,
            content=self.description,
            title=self.title,
            caller_name=self.contact_name,
            caller_phone=self.contact_phone,
            street=self.street,
            address=self.address,
            category=self.service_name,
            received_at=received_at(self.requested_datetime),
            agency=self.agency_responsible,
            matter_category=Category.parse(self.category),
        )


def received_at(value: datetime | None) -> datetime | None:
    """受理时间 in UTC; without a zone it is the district's; refused outside the plausible years
    (a moment such as 0001-01-01T00:00:00+14:00 cannot even be written in UTC)."""
    if value is None:
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=DISTRICT_TIME)
    return moment(within_range(aware, "requested_datetime"))


@router.post("/service-requests", summary="接收12345工单 Take in one 12345 work order")
async def take_service_request(request: Request) -> JSONResponse:
    actor = await _integration(request)
    given = await _service_request(request)
    system = system_of(request)
    try:
        order = given.to_order()
        intake = await blocking(
            system.app.take_hotline_order,
            Command(actor),
            platform_id=_platform(given, actor),
            order=order,
        )
    except DomainError as error:
        raise from_domain(error) from None
    await views_reach_the_command(system, intake.position)
    body = {
        "service_request_id": order.ticket_key,
        "topic_id": str(intake.topic_id),
        "status": "repeated" if intake.repeated else "created",
    }
    return JSONResponse(body, 200 if intake.repeated else 201)


async def _integration(request: Request) -> Actor:
    actor = await signed_in(request)
    if actor.role is not Role.INTEGRATION:
        raise refusal(
            403,
            f"“{actor.role.label}”无权推送12345工单 (only the integration role may push orders)",
            "FORBIDDEN",
            "NOT_PERMITTED",
        )
    return actor


async def _service_request(request: Request) -> ServiceRequest:
    try:
        data: Any = await request.json()
        return ServiceRequest.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        field = ".".join(str(p) for p in first["loc"]) or "body"
        raise refusal(
            400,
            f"工单字段无效:{field} (invalid field {field}: {first['msg']})",
            "BAD_USER_INPUT",
            "INVALID_INPUT",
        ) from None
    except UnicodeDecodeError:
        raise refusal(
            400,
            "请求体不是有效的UTF-8 (the body is not valid UTF-8)",
            "BAD_USER_INPUT",
            "INVALID_UTF8",
        ) from None
    except RecursionError:
        raise refusal(
            400,
            "请求体JSON嵌套过深 (the body's JSON is nested too deep)",
            "BAD_USER_INPUT",
            "JSON_TOO_DEEP",
        ) from None
    except ValueError:
        raise refusal(
            400, "请求体须为JSON (the body must be JSON)", "BAD_USER_INPUT", "INVALID_JSON"
        ) from None


def _platform(given: ServiceRequest, actor: Actor) -> UUID:
    if given.platform_id is not None:
        return given.platform_id
    try:
        return UUID(actor.scope)
    except ValueError:
        raise refusal(
            400,
            "须指明协商议事平台 platform_id (platform_id is required)",
            "BAD_USER_INPUT",
            "FIELD_REQUIRED",
        ) from None
