"""Django files its Traditional Chinese date formats under zh_Hant, which our zh-tw / zh-hk codes never
find (dates showed as "五月 28, 2025"); these are them, under the names our codes look for."""

from django.conf.locale.zh_Hant.formats import *  # noqa: F403
