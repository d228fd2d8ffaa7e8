"""The reasons a JHT balance may be claimed for, as rows with their legal basis (a reason
withdrawn or added by a new regulation is a new row, not code)."""

import datetime

from django.db import migrations, models

START = datetime.date(2015, 7, 1)
BASIS = "PP 46/2015 art. 26; Permenaker 4/2022"
REASONS = [
    ("age_56", BASIS),
    ("resignation", "Permenaker 4/2022"),
    ("termination", "Permenaker 4/2022"),
    ("contract_end", "Permenaker 4/2022"),
    ("stopped_working", "Permenaker 4/2022"),
    ("disability", BASIS),
    ("death", BASIS),
    ("leaving_indonesia", "Permenaker 4/2022"),
    ("partial_10", "PP 46/2015 art. 22"),
    ("partial_30", "PP 46/2015 art. 22"),
]


def seed(apps, schema_editor):
    BenefitRule = apps.get_model("claims", "BenefitRule")
    for variant, basis in REASONS:
        BenefitRule.objects.update_or_create(
            key="jht_reason", variant=variant, valid_from=START, defaults={"legal_basis": basis}
        )


def unseed(apps, schema_editor):
    apps.get_model("claims", "BenefitRule").objects.filter(key="jht_reason").delete()


class Migration(migrations.Migration):
    dependencies = [("claims", "0005_claimnotification")]
    operations = [
        migrations.AlterField(
            model_name='benefitrule',
            name='key',
            field=models.CharField(choices=[('jht_reason', 'JHT: a reason for claiming the balance'), ('jht_full_age', 'JHT: age for the full balance (years)'), ('jht_waiting_months', 'JHT: waiting period after leaving work (months)'), ('jht_partial_years', 'JHT: membership before a partial claim (years)'), ('jht_partial_percent', 'JHT: partial claim, percent of the balance'), ('jkk_expiry_years', 'JKK: claim expiry after the accident (years)'), ('jkk_death_wages', 'JKK: death benefit (monthly wages)'), ('jkk_incapacity', 'JKK: temporary incapacity, percent of the wage'), ('jkm_lump_sum', 'JKM: lump sum'), ('jkm_periodic', 'JKM: periodic benefit (monthly amount x months)'), ('jkm_funeral', 'JKM: funeral costs'), ('jkm_sch_children', 'JKM scholarship: children at most'), ('jkm_sch_contrib_years', 'JKM scholarship: years of contributions paid at least'), ('jkm_sch_member_years', 'JKM scholarship: years of membership at least'), ('jkm_sch_level', 'JKM scholarship: per child per year, by school level'), ('jkm_sch_flat', 'JKM scholarship: one amount'), ('jkm_sch_cap', 'JKM scholarship: at most per child'), ('jp_min_months', 'JP: contribution months for a monthly pension'), ('jp_pension_age', 'JP: pension age (years)'), ('jp_category', 'JP: participant category entitled'), ('route_jmo_max', 'Routing: highest JHT balance for JMO self-service'), ('route_online_partial', 'Routing: partial JHT claim served online (percent)'), ('route_npwp_above', 'Routing: tax number (NPWP) needed above this balance')], max_length=30, verbose_name='rule'),
        ),
        migrations.RunPython(seed, unseed),
    ]
