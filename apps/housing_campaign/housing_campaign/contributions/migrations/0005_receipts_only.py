"""Issue 12: a receipt is what was received (value > 0, a date, a quantity for goods); promises are pledges."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contributions', '0004_legacy_contributions'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='contribution',
            name='pledged_amount',
        ),
        migrations.RemoveField(
            model_name='contribution',
            name='pledged_on',
        ),
        migrations.AlterField(
            model_name='contribution',
            name='received_amount',
            field=models.PositiveBigIntegerField(verbose_name='giá trị đã nhận (đồng)'),
        ),
        migrations.AlterField(
            model_name='contribution',
            name='received_on',
            field=models.DateField(verbose_name='ngày nhận'),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(('received_amount__gt', 0)), name='contribution_value_positive', violation_error_message='Giá trị đã nhận phải lớn hơn 0.'),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.CheckConstraint(condition=models.Q(('kind', 'cash'), ('quantity__gt', 0), _connector='OR'), name='contribution_in_kind_quantity', violation_error_message='Đóng góp bằng hiện vật phải có số lượng lớn hơn 0.'),
        ),
        migrations.AddConstraint(
            model_name='contribution',
            constraint=models.UniqueConstraint(condition=models.Q(('public_code', ''), _negated=True), fields=('public_code',), name='contribution_unique_public_code'),
        ),
    ]
