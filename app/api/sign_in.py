"""FAB's security API, whose login answers 429 while a user name or address is locked out."""

from flask import request
from flask_appbuilder.api import expose, safe
from flask_appbuilder.security.api import SecurityApi

from app.views.sign_in import lockout_message

_LOCKED_OUT = """            429:
              description: Too many failed sign-ins for this user name or address
              headers:
                Retry-After:
                  description: seconds until the next attempt is allowed
                  schema:
                    type: integer
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      message:
                        type: string
                      retry_after:
                        type: integer
            500:"""


class SignInApi(SecurityApi):
    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        body = request.get_json(silent=True)
        username = body.get("username") if isinstance(body, dict) else None
        if isinstance(username, str):
            wait = self.appbuilder.sm.sign_in_wait(username)
            if wait:
                resp = self.response(429, message=lockout_message(wait), retry_after=wait)
                resp.headers["Retry-After"] = str(wait)
                return resp
        return super().login()

    # The same OpenAPI description as FAB's, plus the 429 answer.
    login.__doc__ = SecurityApi.login.__doc__.replace("            500:", _LOCKED_OUT, 1)
