"""The children's form (simple words; refuses what is not plain text) and the staff's forms."""
from __future__ import annotations

import re
import unicodedata

from django import forms

from . import danger
from .models import MAX_TEXT, About, AgeBand, DangerRule, Topic

# what makes a message “carry a script”: a tag, a javascript: address, an on…= handler
_MARKUP = re.compile(r"<\s*[/!?]?\s*[a-z]|javascript\s*:|vbscript\s*:|data\s*:\s*text/html|\bon[a-z]{3,}\s*=",
                     re.IGNORECASE)


# direction overrides and isolates: they make text read differently from how it is stored
_BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def plain_text_problem(text: str) -> str | None:
    """Why ``text`` is refused, in a child's words; None if it is fine."""
    norm = unicodedata.normalize("NFKC", text)
    if any((unicodedata.category(c) in ("Cc", "Cs", "Co") and c not in "\n\r\t") or c in _BIDI for c in text):
        return "留言里有看不见的特殊字符，请删掉后再发。"
    if _MARKUP.search(norm):
        return "留言里好像有网页代码（比如 < > 这样的标签）。请只写文字，不要写代码。"
    return None


class MessageForm(forms.Form):
    topic = forms.ChoiceField(label="你想说的是", choices=Topic.choices, widget=forms.RadioSelect,
                              error_messages={"required": "请选一选：是想法还是问题？",
                                              "invalid_choice": "请从给出的选项里选。"})
    about = forms.ChoiceField(label="是关于哪里的", choices=About.choices, widget=forms.RadioSelect,
                              error_messages={"required": "请选一选：是关于哪里的？",
                                              "invalid_choice": "请从给出的选项里选。"})
    text = forms.CharField(label="写下来吧", max_length=MAX_TEXT, strip=True,
                           widget=forms.Textarea(attrs={"rows": 6, "maxlength": MAX_TEXT}),
                           error_messages={"required": "还没有写内容哦，请写下你的想法或问题。",
                                           "max_length": f"写得太长啦，最多 {MAX_TEXT} 个字。"})
    town = forms.ModelChoiceField(label="在哪个镇（街道）（可以不选）", queryset=None, required=False,
                                  empty_label="不知道／不想说",
                                  error_messages={"invalid_choice": "请从列表里选镇（街道）。"})
    age_band = forms.ChoiceField(label="你几岁了（可以不选）", choices=[("", "不想说"), *AgeBand.choices],
                                 required=False, widget=forms.RadioSelect,
                                 error_messages={"invalid_choice": "请从给出的选项里选。"})
    # a field people never see (hidden by voice.css): a robot that fills every field fills it
    website = forms.CharField(required=False, label="网址（请留空）", max_length=200)

    def __init__(self, *args, towns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["town"].queryset = towns

    def clean_text(self):
        text = self.cleaned_data["text"]
        problem = plain_text_problem(text)
        if problem:
            raise forms.ValidationError(problem)
        if not text.strip():
            raise forms.ValidationError("还没有写内容哦，请写下你的想法或问题。")
        return text

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class QuoteForm(forms.Form):
    text = forms.CharField(label="公开引用的文字", max_length=300, widget=forms.Textarea(attrs={"rows": 3}),
                           required=False)


class RespondForm(forms.Form):
    note = forms.CharField(label="处置记录", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))


class ReferForm(forms.Form):
    to_unit = forms.ModelChoiceField(label="转介给", queryset=None)
    reason = forms.CharField(label="转介原因", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = units


class RuleForm(forms.ModelForm):
    class Meta:
        model = DangerRule
        fields = ["category", "words", "active"]
        widgets = {"words": forms.Textarea(attrs={"rows": 6})}

    def clean_words(self):
        try:
            return "\n".join(danger.clean_words(self.cleaned_data["words"]))
        except ValueError as e:
            raise forms.ValidationError(str(e))
