from flask_appbuilder.api import ModelRestApi

from app.security import REST_API_METHODS


class DomainRestApi(ModelRestApi):
    method_permission_name = REST_API_METHODS
    allow_browser_login = True
    page_size = 50
