"""URL wiring: django-two-factor-auth's pages, Django's admin and logout, a home page.

No view is written here: the home page is a template behind Django's
login_required.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django.views.generic import TemplateView
from two_factor.urls import urlpatterns as tf_urls

urlpatterns = [
    path("", login_required(TemplateView.as_view(template_name="home.html")), name="home"),
    # /account/login/, /account/two_factor/ (profile), /account/two_factor/setup/, ...
    path("", include(tf_urls)),
    # Django 5: POST only.
    path("account/logout/", LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
