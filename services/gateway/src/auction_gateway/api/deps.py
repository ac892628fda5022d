"""Dependencies of the API and page routes: the gateway's collaborators and the logged-in user."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from auction_gateway.context import Gateway


def get_gateway(request: Request) -> Gateway:
    gateway: Gateway = request.app.state.gateway
    return gateway


def get_user(request: Request) -> str:
    """Return the logged-in user's name (the auth middleware has already rejected anonymous calls)."""
    user = request.scope.get("user")
    name = getattr(user, "username", None)
    if not isinstance(name, str) or not name:
        raise HTTPException(status_code=401, detail="Not logged in.")
    return name


GatewayDep = Annotated[Gateway, Depends(get_gateway)]
UserDep = Annotated[str, Depends(get_user)]
