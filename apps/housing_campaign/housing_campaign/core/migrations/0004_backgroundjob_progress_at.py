from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_side_effect_jobs"),
    ]

    operations = [
        migrations.AddField(
            model_name="backgroundjob",
            name="progress_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
