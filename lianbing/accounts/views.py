"""Login, password and roster pages."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from lianbing.accounts import exporters, grants, importers, jobs, services, sessions, throttle
from lianbing.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    ResetPasswordForm,
    RosterFilterForm,
    RosterImportForm,
    ToggleActiveForm,
    UserForm,
)
from lianbing.accounts.models import User
from lianbing.auth import ADMINS, CITY_ADMIN, any_user, public, require_role
from lianbing.extensions import db, login_manager
from lianbing.files.services import store_bytes
from lianbing.jobs.services import start as start_job
from lianbing.logconfig import event
from lianbing.web import (
    XLSX,
    download,
    flash_errors,
    form_status,
    is_safe_next,
    refused_redirect,
    rerender,
)

bp = Blueprint("accounts", __name__, template_folder="templates")


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a live server-side session (sessions.py), else anonymous."""
    return sessions.load(user_id, session.get(sessions.COOKIE_KEY))


#: pages a user who must change the password may still reach
MUST_CHANGE_OPEN = {"accounts.change_password", "accounts.logout", "static", "bootstrap.static"}


@bp.before_app_request
def _must_change_password():
    """Until an admin-set password is changed, every page leads to the change-password page."""
    if request.endpoint in MUST_CHANGE_OPEN:
        return None
    user = current_user._get_current_object()  # one lookup through Flask-Login's proxy
    if user.is_authenticated and user.must_change_password:
        flash("管理员为您设置了初始密码，请先修改密码。", "warning")
        return redirect(url_for("accounts.change_password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), form_status(form)
    address = throttle.client_address()
    try:
        user = services.authenticate(form.username.data, form.password.data, address)
    except services.AccountError as err:
        return rerender(err, "accounts/login.html", form=form)
    _start_session(user, address)
    target = request.args.get("next")
    return redirect(target if is_safe_next(target) else url_for("main.home"))


def _start_session(user: User, address: str) -> None:
    """A fresh Flask session holding a new server-side session id, then Flask-Login's login."""
    session.clear()
    session[sessions.COOKIE_KEY] = sessions.start(
        user, address, request.headers.get("User-Agent", "")
    )
    login_user(user)


@bp.route("/logout", methods=["POST"])
@any_user
def logout():
    services.logout(current_user, session.get(sessions.COOKIE_KEY))
    logout_user()
    session.pop(sessions.COOKIE_KEY, None)
    flash("已退出登录。", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@any_user
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_template("accounts/password.html", form=form), form_status(form)
    try:
        services.change_password(current_user, form.old_password.data, form.new_password.data)
    except services.AccountError as err:
        return rerender(err, "accounts/password.html", form=form)
    _start_session(current_user._get_current_object(), throttle.client_address())
    flash("密码已修改。", "success")
    return redirect(url_for("main.home"))


def _scoped_bureau_id(requested: int | None) -> int | None:
    """City admins choose any bureau (or all); bureau admins always get their own."""
    if current_user.role == CITY_ADMIN:
        return requested or None
    return current_user.bureau_id


@bp.route("/roster")
@require_role(*ADMINS)
def roster():
    form = RosterFilterForm(request.args)
    form.bureau.choices = [(0, "全部单位")] + [(b.id, b.short_name) for b in services.all_bureaus()]
    bureau_id = _scoped_bureau_id(form.bureau.data)
    users = services.users_of(
        bureau_id,
        role=form.role.data or None,
        search=form.q.data or "",
        include_inactive=bool(form.inactive.data),
    )
    bureaus, counts = services.all_bureaus(), services.user_counts_by_bureau()
    chart = [(b.short_name, counts.get(b.id, 0)) for b in bureaus]
    return render_template(
        "accounts/roster.html", form=form, users=users, bureaus=bureaus, counts=counts, chart=chart
    )


def _user_form(user: User | None = None, *, from_request: bool = True) -> UserForm:
    form = UserForm(obj=user) if from_request else UserForm(formdata=None, obj=user)
    bureaus = services.all_bureaus() if current_user.role == CITY_ADMIN else [current_user.bureau]
    form.bureau_id.choices = [(b.id, b.name) for b in bureaus]
    allowed = grants.allowed_roles(current_user)
    form.role.choices = [c for c in form.role.choices if c.value in allowed]
    return form


def _form_data(form: UserForm) -> services.UserData:
    return services.UserData(
        username=form.username.data.strip(),
        display_name=form.display_name.data,
        role=form.role.data,
        bureau_id=form.bureau_id.data,
        cert_no=(form.cert_no.data or "").strip() or None,
        phone=(form.phone.data or "").strip() or None,
        password=form.password.data or None,
    )


@bp.route("/roster/new", methods=["GET", "POST"])
@require_role(*ADMINS)
def create_user():
    form = _user_form()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("accounts/user_form.html", form=form, user=None), form_status(form)
    try:
        user = services.create_user(_form_data(form), actor_id=current_user.id)
    except services.AccountError as err:
        return rerender(err, "accounts/user_form.html", form=form, user=None)
    flash(f"已创建用户 {user.display_name}。", "success")
    return redirect(url_for("accounts.roster"))


def _managed_user(user_id: int) -> User:
    """The account, when the grant rule lets the current admin manage it; 403 otherwise."""
    user = db.get_or_404(User, user_id)
    if not grants.may_manage(current_user, user.role, user.bureau_id):
        abort(403)
    return user


def _user_page(user: User, form: UserForm, reset_form=None) -> str:
    return render_template(
        "accounts/user_form.html",
        form=form,
        user=user,
        reset_form=reset_form or ResetPasswordForm(),
        toggle_form=ToggleActiveForm(),
    )


@bp.route("/roster/<int:user_id>", methods=["GET", "POST"])
@require_role(*ADMINS)
def edit_user(user_id: int):
    user = _managed_user(user_id)
    form = _user_form(user)
    if not form.validate_on_submit():
        flash_errors(form)
        return _user_page(user, form), form_status(form)
    try:
        services.update_user(user, _form_data(form), actor_id=current_user.id)
    except services.AccountError as err:
        return rerender(err, "accounts/user_form.html", form=form, user=user)
    flash("已保存。", "success")
    return redirect(url_for("accounts.roster"))


@bp.route("/roster/<int:user_id>/active", methods=["POST"])
@require_role(*ADMINS)
def toggle_active(user_id: int):
    user = _managed_user(user_id)
    try:
        services.set_active(user, not user.is_active, actor_id=current_user.id)
    except services.AccountError as err:
        return refused_redirect(err, url_for("accounts.edit_user", user_id=user.id))
    flash(f"{user.display_name} 已{'启用' if user.is_active else '停用'}。", "success")
    return redirect(url_for("accounts.roster"))


@bp.route("/roster/<int:user_id>/password", methods=["POST"])
@require_role(*ADMINS)
def reset_password(user_id: int):
    user, form = _managed_user(user_id), ResetPasswordForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _user_page(user, _user_form(user, from_request=False), reset_form=form), 400
    try:
        services.reset_password(user, form.new_password.data, actor_id=current_user.id)
    except services.AccountError as err:
        return refused_redirect(err, url_for("accounts.edit_user", user_id=user.id))
    flash(f"已重置 {user.display_name} 的密码。", "success")
    return redirect(url_for("accounts.roster"))


@bp.route("/roster/import", methods=["GET", "POST"])
@require_role(*ADMINS)
def import_roster():
    """Check the whole file now (bad rows are listed on this page, nothing is written), then
    create the accounts in a background job."""
    form = RosterImportForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("accounts/import.html", form=form, report=None), form_status(form)
    upload, password = form.file.data, form.default_password.data
    data = upload.read()
    try:
        report = importers.check_roster(data, password, actor=current_user)
    except services.AccountError as err:
        return rerender(err, "accounts/import.html", form=form, report=None)
    if not report.ok:
        return render_template("accounts/import.html", form=form, report=report), 400
    job = start_roster_job(upload.filename or "名单.xlsx", data, password)
    return redirect(url_for("jobs.detail", job_id=job.id), 303)


def start_roster_job(filename: str, data: bytes, password: str):
    stored = store_bytes(filename, data, owner_kind=jobs.INPUT, user_id=current_user.id)
    params = {"file_id": stored.id, "password_hash": importers.hash_password(password)}
    return start_job(jobs.ROSTER_IMPORT, params, current_user)


@bp.route("/roster/template.xlsx")
@require_role(*ADMINS)
def roster_template():
    return download(exporters.template_xlsx(), "人员导入模板.xlsx", XLSX)


@bp.route("/roster/export.xlsx")
@require_role(*ADMINS)
def export_roster():
    users = services.users_of(_scoped_bureau_id(request.args.get("bureau", type=int)))
    event(
        "accounts",
        "roster export by user %s: %s users",
        current_user.id,
        len(users),
        actor_id=current_user.id,
        count=len(users),
    )
    return download(exporters.roster_xlsx(users), "人员名单.xlsx", XLSX)
