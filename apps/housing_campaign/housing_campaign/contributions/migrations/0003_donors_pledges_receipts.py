"""Issue 12: donors, pledges and receipts (new tables and columns; the old rows are converted by 0004)."""
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0002_alter_supportnorm_norm_amount_positive'),
        ('cases', '0003_delete_fundingline'),
        ('contributions', '0003_i18n_labels'),
        ('funding', '0002_legacy_funding_lines_and_condition'),
        ('geography', '0001_initial'),
        ('printing', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Donor',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('business', 'Doanh nghiệp'), ('organisation', 'Cơ quan, tổ chức'), ('household', 'Hộ gia đình'), ('individual', 'Cá nhân')], max_length=20, verbose_name='loại')),
                ('name', models.CharField(max_length=200, verbose_name='tên')),
                ('contact', models.CharField(blank=True, help_text='Điện thoại, địa chỉ, người đại diện: chỉ cán bộ Mặt trận và thanh tra xem.', max_length=300, verbose_name='liên hệ (không công khai)')),
                ('unit_path', models.CharField(blank=True, db_index=True, max_length=80)),
                ('unit_2025_path', models.CharField(blank=True, db_index=True, max_length=80)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'verbose_name': 'nhà tài trợ, người ủng hộ',
                'verbose_name_plural': 'nhà tài trợ, người ủng hộ',
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='Pledge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('cash', 'Tiền mặt'), ('materials', 'Vật liệu'), ('workdays', 'Ngày công')], max_length=10, verbose_name='hình thức')),
                ('amount', models.PositiveBigIntegerField(verbose_name='giá trị cam kết (đồng)')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='nội dung')),
                ('pledged_on', models.DateField(verbose_name='ngày cam kết')),
                ('unit_path', models.CharField(blank=True, db_index=True, max_length=80)),
                ('unit_2025_path', models.CharField(blank=True, db_index=True, max_length=80)),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='ghi lúc')),
            ],
            options={
                'verbose_name': 'cam kết ủng hộ',
                'verbose_name_plural': 'cam kết ủng hộ',
                'ordering': ['-pledged_on', '-id'],
            },
        ),
        migrations.AlterModelOptions(
            name='contribution',
            options={'ordering': ['-received_on', '-id'], 'verbose_name': 'đóng góp, ủng hộ (biên nhận)', 'verbose_name_plural': 'đóng góp, ủng hộ (biên nhận)'},
        ),
        migrations.RemoveConstraint(
            model_name='contribution',
            name='contribution_amounts_nonneg',
        ),
        migrations.AddField(
            model_name='contribution',
            name='allocation',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contribution', to='funding.allocation', verbose_name='phân bổ cho hồ sơ'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='document',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='printing.issueddocument', verbose_name='biên nhận'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='front_unit',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.adminunit', verbose_name='Ủy ban MTTQ tiếp nhận'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='item',
            field=models.CharField(blank=True, max_length=120, verbose_name='vật liệu'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='number_text',
            field=models.CharField(blank=True, max_length=60, verbose_name='số biên nhận'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='own_share',
            field=models.BooleanField(default=False, verbose_name='phần tự có của chính hộ được hỗ trợ'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='pool_entry',
            field=models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contribution', to='funding.poolentry', verbose_name='dòng sổ quỹ'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='public_code',
            field=models.CharField(blank=True, db_index=True, max_length=20, verbose_name='mã kiểm tra'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='recorded_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='ghi lúc'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người ghi'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='unit_2025_path',
            field=models.CharField(blank=True, db_index=True, max_length=80),
        ),
        migrations.AddField(
            model_name='contribution',
            name='unit_path',
            field=models.CharField(blank=True, db_index=True, max_length=80),
        ),
        migrations.AddField(
            model_name='contribution',
            name='value_per_day',
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name='giá trị một ngày công (đồng)'),
        ),
        migrations.AddField(
            model_name='donor',
            name='created_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='donor',
            name='unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.adminunit', verbose_name='Ủy ban MTTQ quản lý'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='donor',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contributions', to='contributions.donor', verbose_name='người ủng hộ'),
        ),
        migrations.AddField(
            model_name='pledge',
            name='campaign',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pledges', to='campaigns.campaign', verbose_name='chương trình'),
        ),
        migrations.AddField(
            model_name='pledge',
            name='commune',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.adminunit', verbose_name='xã được chỉ định'),
        ),
        migrations.AddField(
            model_name='pledge',
            name='donor',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='pledges', to='contributions.donor', verbose_name='người ủng hộ'),
        ),
        migrations.AddField(
            model_name='pledge',
            name='earmarked_case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='pledges', to='cases.housingcase', verbose_name='hồ sơ được chỉ định'),
        ),
        migrations.AddField(
            model_name='pledge',
            name='front_unit',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='geography.adminunit', verbose_name='Ủy ban MTTQ tiếp nhận'),
        ),
        migrations.AddField(
            model_name='pledge',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='người ghi'),
        ),
        migrations.AddField(
            model_name='contribution',
            name='pledge',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='receipts', to='contributions.pledge', verbose_name='theo cam kết'),
        ),
        migrations.AddIndex(
            model_name='donor',
            index=models.Index(fields=['unit_path', 'name'], name='donor_unit_name'),
        ),
        migrations.AddConstraint(
            model_name='pledge',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='pledge_amount_positive', violation_error_message='Giá trị cam kết phải lớn hơn 0.'),
        ),
    ]
