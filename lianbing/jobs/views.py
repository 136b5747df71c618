"""A job's page (a progress bar polling a small JSON endpoint), its download, its retry, and the
user's list of jobs. Every view checks that the user may see the job (services.may_view)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, url_for
from flask_login import current_user

from lianbing.auth import any_user
from lianbing.files.web import serve_file
from lianbing.jobs import kinds, services
from lianbing.jobs.models import DONE

bp = Blueprint("jobs", __name__, url_prefix="/jobs", template_folder="templates")


@bp.route("/")
@any_user
def index():
    jobs = services.jobs_of(current_user)
    return render_template("jobs/list.html", jobs=jobs, title_of=services.title_of)


@bp.route("/<int:job_id>")
@any_user
def detail(job_id: int):
    job = services.visible_job(job_id, current_user)
    kind = kinds.get(job.kind)
    return render_template(
        "jobs/detail.html",
        job=job,
        title=services.title_of(job),
        back=kind.back if kind else "",
        state=services.state(job),
        may_retry=services.may_retry(job, current_user),
    )


@bp.route("/<int:job_id>/status.json")
@any_user
def status(job_id: int):
    job = services.visible_job(job_id, current_user)
    response = jsonify(services.state(job))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/download")
@any_user
def download(job_id: int):
    job = services.visible_job(job_id, current_user)
    if job.status != DONE or job.result_file is None:
        abort(404)
    return serve_file(job.result_file)


@bp.route("/<int:job_id>/retry", methods=["POST"])
@any_user
def retry(job_id: int):
    job = services.retry(services.visible_job(job_id, current_user), current_user)
    flash("已重新开始该任务。", "info")
    return redirect(url_for("jobs.detail", job_id=job.id))
