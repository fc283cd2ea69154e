"""Operators' changes to the registry: corrections of registered details and the status."""

from __future__ import annotations

from typing import TypeVar

import strawberry
from strawberry import relay
from strawberry.types.unset import UNSET, UnsetType

from backend.business import registration
from backend.business.models import BusinessStatus, LegalForm
from backend.business.registration import KEEP, Correction, Keep
from backend.errors import BadUserInput
from backend.graphql_api.business.types import BusinessNode
from backend.graphql_api.context import Info
from backend.graphql_api.nodes import decode_id
from backend.graphql_api.places.types import GeoPointInput

T = TypeVar("T")


@strawberry.input(
    description="Operators: correct a business's registered details against its registration "
    "certificate. Fields left out stay as registered; `nameEn` and `location` may be null to "
    "clear them. The code and the kind of business are never changed here."
)
class CorrectBusinessRegistrationInput:
    business_id: relay.GlobalID
    reason: str = strawberry.field(
        description="Why (the certificate's date of change, say); kept in the audit trail, at "
        "most 500 characters."
    )
    name_vi: str | None = UNSET
    name_en: str | None = UNSET
    legal_form: LegalForm | None = UNSET
    vsic_main: str | None = UNSET
    vsic_other: list[str] | None = UNSET
    address: str | None = UNSET
    location: GeoPointInput | None = UNSET
    representative_name: str | None = UNSET


@strawberry.input(
    description="Operators: record a suspension, a resumption (ACTIVE) or a dissolution, which "
    "is final. A business that is not active cannot start or submit applications."
)
class SetBusinessStatusInput:
    business_id: relay.GlobalID
    status: BusinessStatus
    reason: str = strawberry.field(
        description="The decision it follows; kept in the audit trail, at most 500 characters."
    )


def _required(value: T | UnsetType | None, field: str) -> T | Keep:
    """Left out: kept. Null for a detail every entry has: refused."""
    if isinstance(value, UnsetType):
        return KEEP
    if value is None:
        raise BadUserInput("input.required", field=field)
    return value


def _optional(value: T | UnsetType | None) -> T | Keep | None:
    return KEEP if isinstance(value, UnsetType) else value


def correction_of(given: CorrectBusinessRegistrationInput) -> Correction:
    location = _optional(given.location)
    return Correction(
        name_vi=_required(given.name_vi, "input.nameVi"),
        name_en=_optional(given.name_en),
        legal_form=_required(given.legal_form, "input.legalForm"),
        vsic_main=_required(given.vsic_main, "input.vsicMain"),
        vsic_other=_required(given.vsic_other, "input.vsicOther"),
        address=_required(given.address, "input.address"),
        location=(
            location
            if location is None or isinstance(location, Keep)
            else (location.latitude, location.longitude)
        ),
        representative_name=_required(given.representative_name, "input.representativeName"),
    )


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(
        description="Operators: correct a business's registered details; every change is "
        "audited with the reason. Refused input changes nothing."
    )
    async def correct_business_registration(
        self, info: Info, input: CorrectBusinessRegistrationInput
    ) -> BusinessNode | None:
        viewer = await info.context.require_viewer()
        business_id = decode_id(input.business_id, "Business", field="input.businessId")
        correction = correction_of(input)
        async with info.context.unit_of_work() as uow:
            row = await registration.correct(
                uow,
                operator_id=viewer.id,
                business_id=business_id,
                correction=correction,
                reason=input.reason,
                now=info.context.now(),
            )
        return BusinessNode.from_row(row)

    @strawberry.mutation(
        description="Operators: change a business's registry status. Its current status again, "
        "or any change of a dissolved business, is CONFLICT."
    )
    async def set_business_status(
        self, info: Info, input: SetBusinessStatusInput
    ) -> BusinessNode | None:
        viewer = await info.context.require_viewer()
        business_id = decode_id(input.business_id, "Business", field="input.businessId")
        async with info.context.unit_of_work() as uow:
            row = await registration.set_status(
                uow,
                operator_id=viewer.id,
                business_id=business_id,
                status=input.status,
                reason=input.reason,
                now=info.context.now(),
            )
        return BusinessNode.from_row(row)
