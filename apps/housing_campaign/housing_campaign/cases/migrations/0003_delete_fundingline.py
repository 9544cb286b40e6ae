# Funding lines are replaced by allocations from pools (issue 12).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0003_i18n_labels'),
        # Funding lines become allocations from pools first (funding/migrations/0002).
        ('funding', '0002_legacy_funding_lines_and_condition'),
    ]

    operations = [
        migrations.DeleteModel(
            name='FundingLine',
        ),
    ]
