"""Roles and permissions.

Views and APIs share permission names per resource (`class_permission_name`) and map
their methods onto read / write / delete, as Superset does, so one grant covers the
page and the REST endpoint alike. `sync_roles()` runs after migrations (see bootstrap).
"""

from flask import current_app, has_request_context, request
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext

from app.permission_cache import PermissionCache
from app.services import sign_in
from app.timeutil import utcnow

ADMIN, POLICY_EDITOR, TEAM_LEAD, AGENT, AUDITOR = (
    "Admin", "Policy Editor", "Team Lead", "Agent", "Auditor",
)
ROLES = (ADMIN, POLICY_EDITOR, TEAM_LEAD, AGENT, AUDITOR)

READ, WRITE, DELETE = "can_read", "can_write", "can_delete"
SIMULATE = "can_simulate"

MODEL_VIEW_METHODS = {
    "list": "read", "show": "read", "download": "read", "api_read": "read", "api": "read",
    "api_get": "read", "api_column_add": "write", "api_column_edit": "write",
    "api_create": "write", "api_update": "write", "api_delete": "delete",
    "add": "write", "edit": "write", "delete": "delete", "action": "write",
    "action_post": "write", "act": "write", "queue": "read", "customers": "read", "evidence": "read",
    "bulk": "write", "trail": "read", "access_log": "read",
    # list actions (@action) are checked under their function's name unless mapped here
    "claim_selected": "write", "acknowledge": "write", "resolve": "write",
}
REST_API_METHODS = {
    "get": "read", "get_list": "read", "info": "read",
    "post": "write", "put": "write", "delete": "delete",
}

# Suggestions, the model page and the knowledge base are read by every role; training
# (can_train on Intelligence) is the Admin's, who gets every permission.
KNOWLEDGE_READ = {"Intelligence": {READ}, "KnowledgeArticle": {READ}}

# resource -> permissions, per role (Admin gets everything from Flask-AppBuilder).
GRANTS: dict[str, dict[str, set[str]]] = {
    POLICY_EDITOR: {
        # registers complaints too, to see a published rule at work
        "Complaint": {READ, WRITE}, "Customer": {READ}, "Team": {READ}, "Outlet": {READ},
        "RuleSet": {READ, WRITE, SIMULATE}, **KNOWLEDGE_READ,
    },
    TEAM_LEAD: {
        "Complaint": {READ, WRITE}, "Customer": {READ, WRITE}, "Team": {READ}, "Outlet": {READ},
        "RuleSet": {READ, SIMULATE}, "Alert": {READ, WRITE}, "JobRun": {READ},
        "Report": {READ},
        # leads keep the knowledge base with the admins (admins alone edit reply templates)
        **KNOWLEDGE_READ, "KnowledgeArticle": {READ, WRITE, DELETE},
    },
    AGENT: {
        "Complaint": {READ, WRITE}, "Customer": {READ, WRITE}, "Team": {READ}, "Outlet": {READ},
        "RuleSet": {READ}, "Report": {READ}, **KNOWLEDGE_READ,
    },
    AUDITOR: {
        "Complaint": {READ}, "Customer": {READ}, "Team": {READ}, "Outlet": {READ},
        "RuleSet": {READ, SIMULATE}, "Alert": {READ}, "JobRun": {READ}, "Report": {READ},
        "Audit": {READ}, **KNOWLEDGE_READ,
    },
}
# Menu entries each role sees, by menu name.
POLICY_MENUS = {"Policy"} | {f"policy-{kind}" for kind in
                             ("grading", "routing", "sla", "escalation", "warning")}
WORK_MENUS = {"Work", "Complaints", "Customers", "Teams", "Outlets", "My work", "New complaint"} | {
    f"work-{view}" for view in ("mine", "team", "at_risk", "overdue")}
MONITORING_MENUS = {"Monitoring", "Open alerts", "All alerts", "Job runs"}
PERFORMANCE_MENUS = {"Performance"} | {f"performance-{page}" for page in
                                       ("dashboard", "assessment", "analysis")}
KNOWLEDGE_MENUS = {"Knowledge", "Knowledge base", "Text model"}
AUDIT_MENUS = {"Audit", "Audit trail", "Access log"}
MENUS = {
    POLICY_EDITOR: WORK_MENUS | POLICY_MENUS | KNOWLEDGE_MENUS,
    TEAM_LEAD: WORK_MENUS | POLICY_MENUS | MONITORING_MENUS | PERFORMANCE_MENUS | KNOWLEDGE_MENUS,
    AGENT: WORK_MENUS | POLICY_MENUS | PERFORMANCE_MENUS | KNOWLEDGE_MENUS,
    AUDITOR: ((WORK_MENUS - {"New complaint"}) | POLICY_MENUS | MONITORING_MENUS
              | PERFORMANCE_MENUS | KNOWLEDGE_MENUS | AUDIT_MENUS),
}
# What every signed-in user may do to their own account.
SELF_SERVICE = [
    ("can_userinfo", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    # every role uses the REST API, so every role may read its description
    ("can_get", "OpenApi"),
    ("can_show", "SwaggerView"),
]  # reached from the user menu: no "Security" menu, which would be empty for them


def _has_credentials() -> bool:
    """The request signs in by token or by session cookie (it is checked later)."""
    if not has_request_context():
        return False
    if request.headers.get("Authorization") or request.args.get("jwt"):
        return True
    from flask import session

    return "_user_id" in session


class UserView(UserDBModelView):
    """FAB's user pages, saying yes or no instead of True or False."""

    formatters_columns = {"active": lambda v: str(lazy_gettext("Yes") if v else lazy_gettext("No"))}


def _security_api(name: str):
    """One of app/api/security_apis' classes, imported when FAB registers it (that module
    imports the API base, which imports this one)."""

    def get(self):
        from app.api import security_apis

        return getattr(security_apis, name)

    return property(get)


class ParcelDeskSecurityManager(SecurityManager):
    """FAB's manager, with our roles synced from GRANTS after the migrations ran, and
    sign-ins recorded and limited (services/sign_in.py) on the page and the API."""

    def __init__(self, appbuilder):
        # Imported here: the views import this module for the permission names.
        from app.api.sign_in import SignInApi
        from app.views.sign_in import SignInPageView

        self.authdbview = SignInPageView
        self.security_api = SignInApi
        super().__init__(appbuilder)
        self.permission_cache = PermissionCache(self.auth_role_public)

    # Permission checks from the per-process cache (app/permission_cache.py): one statement
    # per request loads the user, roles and the cache's version; none for the grants.
    def load_user(self, pk):
        user = self.permission_cache.load_user(self.session, int(pk))
        return user if user is not None and user.is_active else None

    def is_item_public(self, permission_name, view_name):
        """Asked by FAB before it knows the user: a request that carries credentials is
        answered in `_has_view_access` (public grants included), so that its one
        statement also loads the user."""
        if _has_credentials():
            return False
        grants = self.permission_cache.request_grants(self.session)
        return (permission_name, view_name) in grants.public

    def _has_view_access(self, user, permission_name, view_name):
        if any(role.name in self.builtin_roles for role in user.roles):
            return super()._has_view_access(user, permission_name, view_name)
        return self.permission_cache.allows(self.session, user, permission_name, view_name)

    def sign_in_name(self, typed) -> str:
        """The name attempts are counted under: the user's own name when the typed name
        (or e-mail address) belongs to one, so both spellings share one count."""
        typed = typed.strip() if isinstance(typed, str) else ""
        user = self.find_user(username=typed) or self.find_user(email=typed) if typed else None
        return (user.username if user else typed).lower()[:256]

    @staticmethod
    def _attempt_source() -> tuple[str, str]:
        if not has_request_context():  # a command or a script checking a password
            return "local", "cli"
        via = "api" if request.path.startswith("/api/") else "page"
        return request.remote_addr or "unknown", via

    def sign_in_wait(self, typed) -> int:
        """Seconds this name or address must wait before trying again (the refused
        attempt is recorded); 0 when it may try now."""
        name, (address, via), now = self.sign_in_name(typed), self._attempt_source(), utcnow()
        limits = sign_in.Limits.from_config(current_app.config)
        wait = sign_in.seconds_locked(self.session, name, address, now, limits)
        if wait:
            sign_in.record(self.session, name, address, via, sign_in.LOCKED, now)
        return wait

    def auth_user_db(self, username, password):
        user = super().auth_user_db(username, password)
        address, via = self._attempt_source()
        sign_in.record(self.session, self.sign_in_name(username), address, via,
                       sign_in.SUCCESS if user else sign_in.FAILURE, utcnow())
        return user

    userdbmodelview = UserView
    # FAB's "User's Statistics" chart loads Google Charts from the internet and renders
    # nothing offline; the Performance pages chart with ECharts from our static files.
    userstatschartview = None

    role_api = _security_api("SecurityRoleApi")
    user_api = _security_api("SecurityUserApi")
    group_api = _security_api("SecurityGroupApi")
    view_menu_api = _security_api("SecurityViewMenuApi")
    permission_view_menu_api = _security_api("SecurityPermissionViewMenuApi")

    def sync_roles(self) -> None:
        self.add_role(self.auth_role_admin)
        self.add_role(self.auth_role_public)
        for role_name, grants in GRANTS.items():
            role = self.add_role(role_name)
            wanted = []
            for resource, perms in grants.items():
                wanted += [(perm, resource) for perm in perms]
            wanted += [("menu_access", menu) for menu in MENUS.get(role_name, ())]
            wanted += SELF_SERVICE
            pvms = [self.add_permission_view_menu(perm, view) for perm, view in wanted]
            role.permissions = [pvm for pvm in pvms if pvm is not None]
        self.session.commit()
