"""Login, password and roster pages."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from lianbing.accounts import exporters, importers, services
from lianbing.accounts.forms import (ChangePasswordForm, LoginForm, ResetPasswordForm, RosterFilterForm,
                                     RosterImportForm, ToggleActiveForm, UserForm)
from lianbing.accounts.models import User
from lianbing.auth import ADMINS, CITY_ADMIN, any_user, public, require_bureau, require_role
from lianbing.extensions import db, login_manager
from lianbing.web import XLSX, download, flash_errors, form_status, is_safe_next

bp = Blueprint("accounts", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id))
    return user if user and user.is_active else None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.username.data, form.password.data)
        except services.AccountError as exc:
            db.session.commit()  # keep the failure count
            flash(str(exc), "danger")
            return render_template("accounts/login.html", form=form), 200
        login_user(user)
        db.session.commit()
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else url_for("main.home"))
    return render_template("accounts/login.html", form=form), form_status(form)


@bp.route("/logout", methods=["POST"])
@any_user
def logout():
    logout_user()
    flash("已退出登录。", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@any_user
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.old_password.data, form.new_password.data)
        except services.AccountError as exc:
            flash(str(exc), "danger")
            return render_template("accounts/password.html", form=form), 400
        db.session.commit()
        flash("密码已修改。", "success")
        return redirect(url_for("main.home"))
    return render_template("accounts/password.html", form=form), form_status(form)


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
    users = services.users_of(bureau_id, role=form.role.data or None, search=form.q.data or "",
                              include_inactive=bool(form.inactive.data))
    bureaus, counts = services.all_bureaus(), services.user_counts_by_bureau()
    chart = [(b.short_name, counts.get(b.id, 0)) for b in bureaus]
    return render_template("accounts/roster.html", form=form, users=users, bureaus=bureaus,
                           counts=counts, chart=chart)


def _user_form(user: User | None = None, *, from_request: bool = True) -> UserForm:
    form = UserForm(obj=user) if from_request else UserForm(formdata=None, obj=user)
    bureaus = services.all_bureaus() if current_user.role == CITY_ADMIN else [current_user.bureau]
    form.bureau_id.choices = [(b.id, b.name) for b in bureaus]
    if current_user.role != CITY_ADMIN:
        form.role.choices = [c for c in form.role.choices if c.value in ("officer", "bureau_admin")]
    return form


def _form_data(form: UserForm) -> services.UserData:
    return services.UserData(username=form.username.data.strip(), display_name=form.display_name.data,
                             role=form.role.data, bureau_id=form.bureau_id.data,
                             cert_no=(form.cert_no.data or "").strip() or None,
                             phone=(form.phone.data or "").strip() or None,
                             password=form.password.data or None)


@bp.route("/roster/new", methods=["GET", "POST"])
@require_role(*ADMINS)
def create_user():
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = services.create_user(_form_data(form), actor_id=current_user.id)
        except services.AccountError as exc:
            flash(str(exc), "danger")
            return render_template("accounts/user_form.html", form=form, user=None), 400
        db.session.commit()
        flash(f"已创建用户 {user.display_name}。", "success")
        return redirect(url_for("accounts.roster"))
    flash_errors(form)
    return render_template("accounts/user_form.html", form=form, user=None), form_status(form)


def _managed_user(user_id: int) -> User:
    user = db.session.get(User, user_id) or abort(404)
    require_bureau(current_user, user.bureau_id)
    if current_user.role != CITY_ADMIN and user.role == CITY_ADMIN:
        abort(403)
    return user


@bp.route("/roster/<int:user_id>", methods=["GET", "POST"])
@require_role(*ADMINS)
def edit_user(user_id: int):
    user = _managed_user(user_id)
    form = _user_form(user)
    if form.validate_on_submit():
        try:
            services.update_user(user, _form_data(form), actor_id=current_user.id)
        except services.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return render_template("accounts/user_form.html", form=form, user=user), 400
        db.session.commit()
        flash("已保存。", "success")
        return redirect(url_for("accounts.roster"))
    flash_errors(form)
    return render_template("accounts/user_form.html", form=form, user=user,
                           reset_form=ResetPasswordForm(), toggle_form=ToggleActiveForm()), form_status(form)


@bp.route("/roster/<int:user_id>/active", methods=["POST"])
@require_role(*ADMINS)
def toggle_active(user_id: int):
    user = _managed_user(user_id)
    if user.id == current_user.id:
        flash("不能停用自己的账号。", "danger")
        return redirect(url_for("accounts.edit_user", user_id=user.id)), 303
    services.set_active(user, not user.is_active, actor_id=current_user.id)
    db.session.commit()
    flash(f"{user.display_name} 已{'启用' if user.is_active else '停用'}。", "success")
    return redirect(url_for("accounts.roster"))


@bp.route("/roster/<int:user_id>/password", methods=["POST"])
@require_role(*ADMINS)
def reset_password(user_id: int):
    user = _managed_user(user_id)
    form = ResetPasswordForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return render_template("accounts/user_form.html", form=_user_form(user, from_request=False), user=user,
                               reset_form=form, toggle_form=ToggleActiveForm()), 400
    services.reset_password(user, form.new_password.data, actor_id=current_user.id)
    db.session.commit()
    flash(f"已重置 {user.display_name} 的密码。", "success")
    return redirect(url_for("accounts.roster"))


@bp.route("/roster/import", methods=["GET", "POST"])
@require_role(*ADMINS)
def import_roster():
    form, report = RosterImportForm(), None
    if form.validate_on_submit():
        allowed = None if current_user.role == CITY_ADMIN else current_user.bureau_id
        try:
            report = importers.import_roster(form.file.data.read(), form.default_password.data,
                                             allowed_bureau_id=allowed, actor_id=current_user.id)
        except services.AccountError as exc:
            flash(str(exc), "danger")
            return render_template("accounts/import.html", form=form, report=None), 400
        if not report.ok:
            db.session.rollback()
            return render_template("accounts/import.html", form=form, report=report), 400
        db.session.commit()
        flash(f"已导入 {len(report.created)} 名人员。", "success")
    flash_errors(form)
    return render_template("accounts/import.html", form=form, report=report), form_status(form)


@bp.route("/roster/template.xlsx")
@require_role(*ADMINS)
def roster_template():
    return download(exporters.template_xlsx(), "人员导入模板.xlsx", XLSX)


@bp.route("/roster/export.xlsx")
@require_role(*ADMINS)
def export_roster():
    users = services.users_of(_scoped_bureau_id(request.args.get("bureau", type=int)))
    return download(exporters.roster_xlsx(users), "人员名单.xlsx", XLSX)
