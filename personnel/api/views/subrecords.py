"""A cadre's sub-records (education, résumé lines, posts held, family
members, rewards and punishments, appraisals), nested under the cadre.

They are parts of the cadre's record: every change bumps the cadre's
version (the service does), and their responses carry the cadre's ETag.
PUT, PATCH and DELETE need If-Match with that ETag, like a change of the
cadre itself, so that an edit made against an old view of the record is
refused (412) rather than silently applied. Adding a new line (POST)
overwrites nothing and takes If-Match optionally.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from personnel import services
from personnel.access import cadre_for_actor, ensure_can_write_cadre
from personnel.api.concurrency import current_version, etag_for, expected_version
from personnel.api.selectors import subrecord_of, subrecords_of
from personnel.api.serializers import SUBRECORD_SERIALIZERS
from personnel.api.views.cadres import ERROR_RESPONSES, ETAG, PRECONDITION_RESPONSES
from personnel.models import Cadre
from personnel.subrecords import KINDS, SubrecordKind

CADRE_PK = OpenApiParameter("cadre_pk", int, OpenApiParameter.PATH, description="干部 id")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description="所属干部当前的 ETag（子记录的任何修改都会更新干部的版本号）；缺少时 428，过期时 412",
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False, description="可选：所属干部的 ETag，提供时检查是否过期"
)


V = TypeVar("V", bound="SubrecordViewSet")


class SubrecordViewSet(viewsets.GenericViewSet[Any]):
    model: ClassVar[type[Any]]
    serializer_class: type[serializers.ModelSerializer[Any]]
    pagination_class = None
    lookup_value_regex = "[0-9]+"

    def _cadre(self) -> Cadre:
        return cadre_for_actor(self.request.user, self.kwargs["cadre_pk"])

    def _context(self) -> dict[str, Any]:
        return {"request": self.request}

    def list(self, request: Request, cadre_pk: str) -> Response:
        cadre = self._cadre()
        records = subrecords_of(self.model, cadre)
        data = self.serializer_class(records, many=True, context=self._context()).data
        return Response(data, headers={"ETag": etag_for(cadre.version)})

    def retrieve(self, request: Request, cadre_pk: str, pk: str) -> Response:
        cadre = self._cadre()
        record = subrecord_of(self.model, cadre, pk)
        return Response(
            self.serializer_class(record, context=self._context()).data, headers={"ETag": etag_for(cadre.version)}
        )

    def create(self, request: Request, cadre_pk: str) -> Response:
        cadre = self._cadre()
        ensure_can_write_cadre(request.user, cadre.unit.path, subrecord=True)
        expected = expected_version(request, cadre) if request.headers.get("If-Match") else None
        serializer = self.serializer_class(data=request.data, context=self._context())
        serializer.is_valid(raise_exception=True)
        record = self.model(cadre=cadre, **serializer.validated_data)
        return self._save(record, cadre, expected, status_code=status.HTTP_201_CREATED)

    def update(self, request: Request, cadre_pk: str, pk: str) -> Response:
        return self._change(request, pk, partial=False)

    def partial_update(self, request: Request, cadre_pk: str, pk: str) -> Response:
        return self._change(request, pk, partial=True)

    def destroy(self, request: Request, cadre_pk: str, pk: str) -> Response:
        cadre = self._cadre()
        record = subrecord_of(self.model, cadre, pk)
        ensure_can_write_cadre(request.user, cadre.unit.path, subrecord=True)
        expected = expected_version(request, cadre)
        services.subrecord_delete(actor=request.user, record=record, expected_version=expected)
        return Response(status=status.HTTP_204_NO_CONTENT, headers={"ETag": etag_for(current_version(cadre.pk))})

    def _change(self, request: Request, pk: str, *, partial: bool) -> Response:
        cadre = self._cadre()
        record = subrecord_of(self.model, cadre, pk)
        ensure_can_write_cadre(request.user, cadre.unit.path, subrecord=True)
        expected = expected_version(request, cadre)
        serializer = self.serializer_class(record, data=request.data, partial=partial, context=self._context())
        serializer.is_valid(raise_exception=True)
        for field, value in serializer.validated_data.items():
            setattr(record, field, value)
        return self._save(record, cadre, expected)

    def _save(
        self, record: Any, cadre: Cadre, expected: int | None, *, status_code: int = status.HTTP_200_OK
    ) -> Response:
        services.subrecord_save(actor=self.request.user, record=record, expected_version=expected)
        data = self.serializer_class(record, context=self._context()).data
        return Response(data, status=status_code, headers={"ETag": etag_for(current_version(cadre.pk))})


def documented(label: str) -> Callable[[type[V]], type[V]]:
    """The schema of one kind of sub-record, in Chinese."""

    def decorate(viewset: type[V]) -> type[V]:
        return _schema_view(viewset, label)

    return decorate


def _schema_view(viewset: type[V], label: str) -> type[V]:
    write_errors = {**ERROR_RESPONSES, **PRECONDITION_RESPONSES}
    decorated: type[V] = extend_schema_view(
        list=extend_schema(summary=f"{label}列表", parameters=[CADRE_PK, ETAG]),
        retrieve=extend_schema(summary=f"{label}详情", parameters=[CADRE_PK, ETAG]),
        create=extend_schema(
            summary=f"新增{label}",
            parameters=[CADRE_PK, IF_MATCH_OPTIONAL, ETAG],
            responses={201: viewset.serializer_class, **write_errors},
        ),
        update=extend_schema(
            summary=f"修改{label}（整体）",
            parameters=[CADRE_PK, IF_MATCH, ETAG],
            responses={200: viewset.serializer_class, **write_errors},
        ),
        partial_update=extend_schema(
            summary=f"修改{label}（部分字段）",
            parameters=[CADRE_PK, IF_MATCH, ETAG],
            responses={200: viewset.serializer_class, **write_errors},
        ),
        destroy=extend_schema(
            summary=f"删除{label}",
            parameters=[CADRE_PK, IF_MATCH],
            responses={204: OpenApiResponse(description="已删除"), **write_errors},
        ),
    )(viewset)
    return decorated


def _viewset_for(kind: SubrecordKind) -> type[SubrecordViewSet]:
    viewset = type(
        f"{kind.model.__name__}ViewSet",
        (SubrecordViewSet,),
        {
            "model": kind.model,
            "queryset": kind.model._default_manager.none(),
            "serializer_class": SUBRECORD_SERIALIZERS[kind.slug],
            "__module__": __name__,
        },
    )
    return documented(kind.api_label)(viewset)


# One viewset per declared kind (personnel.subrecords), by slug.
SUBRECORD_VIEWSETS: dict[str, type[SubrecordViewSet]] = {kind.slug: _viewset_for(kind) for kind in KINDS}
