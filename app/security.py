"""Roles and permissions.

Views and APIs share permission names per resource (`class_permission_name`) and map
their methods onto read / write / delete, as Superset does, so one grant covers the
page and the REST endpoint alike. `sync_roles()` runs after migrations (see bootstrap).
"""

from flask_appbuilder.security.sqla.manager import SecurityManager

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
    "action_post": "write", "act": "write", "queue": "read",
    # list actions (@action) are checked under their function's name unless mapped here
    "claim_selected": "write", "acknowledge": "write", "resolve": "write",
}
REST_API_METHODS = {
    "get": "read", "get_list": "read", "info": "read",
    "post": "write", "put": "write", "delete": "delete",
}

# Suggestions, the model page and the knowledge base are read by every role; training
# (can_train on Intelligence) is the Admin's, who gets every permission.
KNOWLEDGE_READ = {"Intelligence": {READ}, "KnowledgeArticle": {READ}, "ReplyTemplate": {READ}}

# resource -> permissions, per role (Admin gets everything from Flask-AppBuilder).
GRANTS: dict[str, dict[str, set[str]]] = {
    POLICY_EDITOR: {
        # registers complaints too, to see a published rule at work
        "Complaint": {READ, WRITE}, "Customer": {READ}, "Team": {READ},
        "RuleSet": {READ, WRITE, SIMULATE}, **KNOWLEDGE_READ,
    },
    TEAM_LEAD: {
        "Complaint": {READ, WRITE}, "Customer": {READ, WRITE}, "Team": {READ},
        "RuleSet": {READ, SIMULATE}, "Alert": {READ, WRITE}, "JobRun": {READ},
        # leads keep the knowledge base and reply templates with the admins
        **KNOWLEDGE_READ, "KnowledgeArticle": {READ, WRITE, DELETE},
        "ReplyTemplate": {READ, WRITE, DELETE},
    },
    AGENT: {
        "Complaint": {READ, WRITE}, "Customer": {READ, WRITE}, "Team": {READ},
        "RuleSet": {READ}, **KNOWLEDGE_READ,
    },
    AUDITOR: {
        "Complaint": {READ}, "Customer": {READ}, "Team": {READ},
        "RuleSet": {READ, SIMULATE}, "Alert": {READ}, "JobRun": {READ}, **KNOWLEDGE_READ,
    },
}
# Menu entries each role sees, by menu name.
POLICY_MENUS = {"Policy"} | {f"policy-{kind}" for kind in
                             ("grading", "routing", "sla", "escalation", "warning")}
WORK_MENUS = {"Work", "Complaints", "Customers", "Teams", "My work"} | {
    f"work-{view}" for view in ("mine", "team", "at_risk", "overdue")}
MONITORING_MENUS = {"Monitoring", "Open alerts", "All alerts", "Job runs"}
KNOWLEDGE_MENUS = {"Knowledge", "Knowledge base", "Reply templates", "Text model"}
MENUS = {
    POLICY_EDITOR: WORK_MENUS | POLICY_MENUS | KNOWLEDGE_MENUS,
    TEAM_LEAD: WORK_MENUS | POLICY_MENUS | MONITORING_MENUS | KNOWLEDGE_MENUS,
    AGENT: WORK_MENUS | POLICY_MENUS | KNOWLEDGE_MENUS,
    AUDITOR: WORK_MENUS | POLICY_MENUS | MONITORING_MENUS | KNOWLEDGE_MENUS,
}
# What every signed-in user may do to their own account.
SELF_SERVICE = [
    ("can_userinfo", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
    ("menu_access", "Security"),
]


class ParcelDeskSecurityManager(SecurityManager):
    """FAB's manager, with our roles synced from GRANTS after the migrations ran."""

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
