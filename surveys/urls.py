from django.urls import path

from surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.start, name="start"),
    path("before-you-start/", views.before_you_start, name="before_you_start"),
    path("safety/", views.safety, name="safety"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("exit/", views.quick_exit, name="exit"),
    path("survey/", views.survey, name="survey"),
    path("survey/thank-you/", views.thank_you, name="thank_you"),
]
