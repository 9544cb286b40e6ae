from django.db import migrations, models

# The kinds the shipped workflow files give these actions (workflows/*.yaml): stored definitions get the
# same values, so that a stored version 1 still matches its file.
RETURN_ACTIONS = ("return", "request_fix", "reopen")
STOP_ACTIONS = ("reject", "withdraw")


def classify(apps, schema_editor):
    transition = apps.get_model("workflow", "WorkflowTransition")
    transition.objects.filter(action__in=RETURN_ACTIONS).update(kind="return")
    transition.objects.filter(action__in=STOP_ACTIONS).update(kind="stop")


class Migration(migrations.Migration):
    dependencies = [("workflow", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="workflowtransition",
            name="kind",
            field=models.CharField(
                choices=[("forward", "Chuyển tiếp (kiểm tra trường bắt buộc)"), ("return", "Trả lại để bổ sung"),
                         ("stop", "Từ chối, rút hoặc dừng hồ sơ")],
                default="forward", max_length=10, verbose_name="loại bước",
                help_text="Chỉ bước chuyển tiếp đòi đủ trường bắt buộc của trạng thái; trả lại và từ chối không "
                          "bị chặn bởi chính những trường cần sửa."),
        ),
        migrations.RunPython(classify, migrations.RunPython.noop),
    ]
