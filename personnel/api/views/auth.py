"""API tokens: an account with a business role exchanges its username and
password for its token (one per account, as rest_framework.authtoken keeps
them). The token carries the account's scope; the three separated admin
roles see no cadre data and get no token."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.access import forget_scope, scope_of
from personnel.api.serializers import TokenInputSerializer, TokenOutputSerializer

BAD_CREDENTIALS = "用户名或密码不正确，或账号已停用"
ADMIN_REFUSED = "系统管理员、安全保密管理员和安全审计员账号不能获取接口令牌（三员分立：管理员不接触干部数据）"
NO_ROLE = "该账号没有业务角色，不能获取接口令牌；请联系安全保密管理员授权"


class TokenObtainView(APIView):
    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    # Password guesses are counted and refused by the login lockout
    # (accounts.lockout), shared with the browser login.
    throttle_classes: list[Any] = []

    @extend_schema(
        summary="获取接口令牌",
        description="用户名和密码换取令牌；之后的请求带请求头 Authorization: Token <token>。"
        "三员（系统管理员、安全保密管理员、安全审计员）不能获取。",
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            400: OpenApiResponse(description="用户名或密码不正确"),
            403: OpenApiResponse(description="该账号不能获取令牌"),
            429: OpenApiResponse(description="登录失败次数过多，账号或来源地址已被锁定"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(
            request=request._request,
            username=serializer.validated_data["username"],
            password=serializer.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ValidationError(BAD_CREDENTIALS)
        forget_scope(user)
        scope = scope_of(user)
        if scope.is_admin:
            raise PermissionDenied(ADMIN_REFUSED)
        if not scope.roles:
            raise PermissionDenied(NO_ROLE)
        token, _created = Token.objects.get_or_create(user=user)
        body = {"token": token.key, "username": user.get_username(), "roles": sorted(scope.roles)}
        return Response(TokenOutputSerializer(body).data)
