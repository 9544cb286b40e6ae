"""Repairs get their own acceptance thresholds; the seeded legal basis of the Kon Tum campaign cites Decision
539/QĐ-TTg with its date and purpose (only a text still as seeded is replaced: an administrator's edit stays)."""
from decimal import Decimal
from django.db import migrations, models


OLD_SEEDED = (
    'Quyết định số 539/QĐ-TTg của Thủ tướng Chính phủ phát động phong trào thi đua "Chung tay xóa nhà tạm, nhà '
    'dột nát";\nThông tư số 01/2022/TT-BXD của Bộ Xây dựng; Quyết định số 55/QĐ-BXD ngày 20/01/2025 của Bộ Xây '
    'dựng;\nKế hoạch của Ủy ban nhân dân tỉnh Kon Tum ngày 22/7/2024.')
NEW = (
    'Quyết định số 539/QĐ-TTg ngày 19 tháng 6 năm 2024 của Thủ tướng Chính phủ về ban hành Kế hoạch triển khai '
    'phong trào thi đua "Chung tay xóa nhà tạm, nhà dột nát trên phạm vi cả nước trong năm 2025"\n'
    'Thông tư số 01/2022/TT-BXD ngày 30 tháng 6 năm 2022 của Bộ trưởng Bộ Xây dựng hướng dẫn thực hiện hỗ trợ nhà ở '
    'cho hộ nghèo, hộ cận nghèo trên địa bàn các huyện nghèo thuộc Chương trình mục tiêu quốc gia giảm nghèo bền '
    'vững giai đoạn 2021 - 2025\n'
    'Quyết định số 55/QĐ-BXD ngày 20 tháng 01 năm 2025 của Bộ Xây dựng\n'
    'Kế hoạch ngày 22 tháng 7 năm 2024 của Ủy ban nhân dân tỉnh Kon Tum triển khai thực hiện Phong trào thi đua '
    '"Chung tay xóa nhà tạm, nhà dột nát trên địa bàn tỉnh Kon Tum trong năm 2025"')


def cite_539_in_full(apps, schema_editor):
    Campaign = apps.get_model("campaigns", "Campaign")
    Campaign.objects.filter(code="kt2425", legal_basis=OLD_SEEDED).update(legal_basis=NEW)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0003_i18n_labels'),
    ]

    operations = [
        migrations.AddField(
            model_name='campaign',
            name='repaired_min_area',
            field=models.DecimalField(decimal_places=2, default=Decimal('0'), help_text='0: không xét diện tích khi nghiệm thu nhà sửa chữa', max_digits=6, verbose_name='nhà sửa chữa: diện tích sử dụng tối thiểu (m²)'),
        ),
        migrations.AddField(
            model_name='campaign',
            name='repaired_min_lifespan',
            field=models.PositiveIntegerField(default=10, verbose_name='nhà sửa chữa: niên hạn tối thiểu sau sửa chữa (năm)'),
        ),
        migrations.RunPython(cite_539_in_full, migrations.RunPython.noop),
    ]
