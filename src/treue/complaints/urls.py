from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_queue, name="queue"),
    path("new/", views.complaint_new, name="new"),
    path("figures/", views.complaint_scorecard, name="scorecard"),
    path("status-changes/", views.status_report, name="status_report"),
    path("<str:number>/", views.complaint_detail, name="detail"),
    path("<str:number>/save/", views.complaint_save, name="save"),
    path("<str:number>/transition/", views.complaint_transition, name="transition"),
    path("<str:number>/confirm/", views.complaint_confirm, name="confirm"),
    path("<str:number>/pause/", views.complaint_pause, name="pause"),
    path("<str:number>/resume/", views.complaint_resume, name="resume"),
    path("<str:number>/comment/", views.complaint_comment, name="comment"),
    path("<str:number>/attachments/", views.complaint_attach, name="attach"),
    path("<str:number>/attachments/<int:pk>/", views.complaint_attachment, name="attachment"),
]
