"""Forms of the accounts package, one per use case."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from lianbing.parts import ROLE_LABELS

ROSTER_MAX_BYTES = 5 * 1024 * 1024


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=50)])
    password = PasswordField("密码", validators=[DataRequired("请输入密码")])
    submit = SubmitField("登录")


class ChangePasswordForm(FlaskForm):
    old_password = PasswordField("原密码", validators=[DataRequired("请输入原密码")])
    new_password = PasswordField(
        "新密码", validators=[DataRequired(), Length(min=8, message="密码至少 8 位")]
    )
    confirm = PasswordField(
        "确认新密码", validators=[EqualTo("new_password", "两次输入的密码不一致")]
    )
    submit = SubmitField("修改密码")


class UserForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请输入用户名"), Length(max=50)])
    display_name = StringField("姓名", validators=[DataRequired("请输入姓名"), Length(max=50)])
    role = SelectField(
        "角色", choices=[SelectChoice(key, label) for key, label in ROLE_LABELS.items()]
    )
    bureau_id = SelectField("所属单位", coerce=int)
    cert_no = StringField("执法证号", validators=[Optional(), Length(max=30)])
    phone = StringField("手机", validators=[Optional(), Length(max=20)])
    password = PasswordField(
        "初始密码", validators=[Optional(), Length(min=8, message="密码至少 8 位")]
    )
    submit = SubmitField("保存")


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "新密码", validators=[DataRequired(), Length(min=8, message="密码至少 8 位")]
    )
    submit = SubmitField("重置密码")


class ToggleActiveForm(FlaskForm):
    submit = SubmitField("切换状态")


class RosterImportForm(FlaskForm):
    file = FileField(
        "Excel 文件（.xlsx，不超过 5 MB）",
        validators=[
            FileRequired("请选择文件"),
            FileAllowed(["xlsx"], "只支持 .xlsx 文件，请使用人员导入模板。"),
            FileSize(ROSTER_MAX_BYTES, message="名单文件不能超过 5 MB。"),
        ],
    )
    default_password = PasswordField(
        "初始密码（所有导入账号）",
        validators=[DataRequired("请设置初始密码"), Length(min=8, message="密码至少 8 位")],
    )
    submit = SubmitField("导入")


class RosterFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("搜索", validators=[Optional()])
    bureau = SelectField("单位", coerce=int, validators=[Optional()])
    role = SelectField(
        "角色",
        choices=[
            SelectChoice("", "全部角色"),
            *(SelectChoice(key, label) for key, label in ROLE_LABELS.items()),
        ],
        validators=[Optional()],
    )
    inactive = BooleanField("含停用账号")
