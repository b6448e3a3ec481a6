"""The demo answers' free text in some migrants' languages, as an interpreter would type it.

Only languages whose text could be written correctly are here (Russian, Ukrainian, Spanish,
French, Arabic); demo cases in other languages, or without an interpreter, have no versions
and print the note that the text is in the counsellor's language only.
"""

from __future__ import annotations

from typing import Any

from app.formdefs.versions import version_key

# English text of demo_answers -> {language: the same text in that language}
VERSIONS: dict[str, dict[str, str]] = {
    "Start a small business and support the family.": {
        "ru": "Открыть небольшой бизнес и содержать семью.",
        "uk": "Відкрити невеликий бізнес і утримувати родину.",
        "es": "Abrir un pequeño negocio y mantener a la familia.",
        "fr": "Créer une petite entreprise et subvenir aux besoins de la famille.",
        "ar": "بدء مشروع صغير وإعالة الأسرة.",
    },
    "Earn a stable income within six months of return.": {
        "ru": "Получать стабильный доход в течение шести месяцев после возвращения.",
        "uk": "Мати стабільний дохід протягом шести місяців після повернення.",
        "es": "Tener ingresos estables en los seis meses siguientes al regreso.",
        "fr": "Avoir un revenu stable dans les six mois suivant le retour.",
        "ar": "تحقيق دخل ثابت خلال ستة أشهر من العودة.",
    },
    "Builds on the work experience and skills described in the intake.": {
        "ru": "Основан на опыте работы и навыках, указанных при первичной беседе.",
        "uk": "Ґрунтується на досвіді роботи та навичках, зазначених під час першої співбесіди.",
        "es": "Se basa en la experiencia laboral y las habilidades descritas en la entrevista "
        "inicial.",
        "fr": "S'appuie sur l'expérience professionnelle et les compétences décrites lors de "
        "l'entretien initial.",
        "ar": "يستند إلى الخبرة العملية والمهارات الموصوفة في المقابلة الأولى.",
    },
    "Supplier offers obtained; market exists in the home town.": {
        "ru": "Получены предложения поставщиков; в родном городе есть спрос.",
        "uk": "Отримано пропозиції постачальників; у рідному місті є попит.",
        "es": "Se obtuvieron ofertas de proveedores; hay mercado en la ciudad de origen.",
        "fr": "Des devis de fournisseurs ont été obtenus ; il existe un marché dans la ville "
        "d'origine.",
        "ar": "تم الحصول على عروض أسعار من الموردين، ويوجد سوق في المدينة الأصلية.",
    },
    "The family has no regular income at the moment.": {
        "ru": "Сейчас у семьи нет постоянного дохода.",
        "uk": "Зараз родина не має постійного доходу.",
        "es": "La familia no tiene ingresos regulares en este momento.",
        "fr": "La famille n'a pas de revenu régulier pour le moment.",
        "ar": "لا يوجد للأسرة دخل منتظم في الوقت الحالي.",
    },
    "Came prepared with a clear idea and own savings.": {
        "ru": "Есть чёткий план и собственные сбережения.",
        "uk": "Є чіткий план і власні заощадження.",
        "es": "Tiene una idea clara y ahorros propios.",
        "fr": "Une idée claire et des économies personnelles.",
        "ar": "توجد فكرة واضحة ومدخرات شخصية.",
    },
    "The second item is needed for the first one to bring an income; the supplier's offer is "
    "the lowest of three.": {
        "ru": "Второй пункт нужен, чтобы первый начал приносить доход; предложение поставщика — "
        "самое низкое из трёх.",
        "uk": "Другий пункт потрібен, щоб перший почав приносити дохід; пропозиція "
        "постачальника — найнижча з трьох.",
        "es": "El segundo artículo es necesario para que el primero genere ingresos; la oferta "
        "del proveedor es la más baja de tres.",
        "fr": "Le deuxième poste est nécessaire pour que le premier rapporte un revenu ; l'offre "
        "du fournisseur est la moins chère des trois.",
        "ar": "البند الثاني ضروري لكي يدرّ البند الأول دخلاً، وعرض المورد هو الأقل بين ثلاثة عروض.",
    },
    "Equipment for a small car repair workshop: compressor, hydraulic jack, tool set.": {
        "ru": "Оборудование для небольшой автомастерской: компрессор, гидравлический домкрат, "
        "набор инструментов.",
        "uk": "Обладнання для невеликої автомайстерні: компресор, гідравлічний домкрат, набір "
        "інструментів.",
        "es": "Equipo para un pequeño taller de reparación de coches: compresor, gato "
        "hidráulico, juego de herramientas.",
        "fr": "Équipement pour un petit atelier de réparation automobile : compresseur, cric "
        "hydraulique, jeu d'outils.",
        "ar": "معدات لورشة صغيرة لتصليح السيارات: ضاغط هواء، ورافعة هيدروليكية، وطقم أدوات.",
    },
    "Two sewing machines and fabric for a tailoring business at home.": {
        "ru": "Две швейные машины и ткань для швейного дела на дому.",
        "uk": "Дві швейні машини та тканина для кравецької справи вдома.",
        "es": "Dos máquinas de coser y tela para un taller de costura en casa.",
        "fr": "Deux machines à coudre et du tissu pour une activité de couture à domicile.",
        "ar": "ماكينتا خياطة وقماش لمشروع خياطة في المنزل.",
    },
    "Fifty laying hens, feed for three months and materials for a henhouse.": {
        "ru": "Пятьдесят кур-несушек, корм на три месяца и материалы для курятника.",
        "uk": "П'ятдесят курей-несучок, корм на три місяці та матеріали для курника.",
        "es": "Cincuenta gallinas ponedoras, pienso para tres meses y materiales para un "
        "gallinero.",
        "fr": "Cinquante poules pondeuses, de la nourriture pour trois mois et des matériaux "
        "pour un poulailler.",
        "ar": "خمسون دجاجة بيّاضة، وعلف لثلاثة أشهر، ومواد لبناء قنّ للدجاج.",
    },
    "Shelves, a refrigerator and first stock for a small grocery shop.": {
        "ru": "Стеллажи, холодильник и первый запас товаров для небольшого продуктового магазина.",
        "uk": "Стелажі, холодильник і перший запас товарів для невеликого продуктового магазину.",
        "es": "Estanterías, un frigorífico y las primeras existencias para una pequeña tienda "
        "de comestibles.",
        "fr": "Des étagères, un réfrigérateur et un premier stock pour une petite épicerie.",
        "ar": "رفوف وثلاجة وبضاعة أولى لمتجر بقالة صغير.",
    },
    "Driving licence category C course and exam fees.": {
        "ru": "Курсы вождения на категорию C и оплата экзамена.",
        "uk": "Курси водіння на категорію C та оплата іспиту.",
        "es": "Curso para el permiso de conducir de categoría C y tasas de examen.",
        "fr": "Formation au permis de conduire de catégorie C et frais d'examen.",
        "ar": "دورة رخصة القيادة من الفئة C ورسوم الامتحان.",
    },
    "Three-month hairdressing course with a starter tool kit.": {
        "ru": "Трёхмесячные курсы парикмахеров со стартовым набором инструментов.",
        "uk": "Тримісячні курси перукарів зі стартовим набором інструментів.",
        "es": "Curso de peluquería de tres meses con un juego básico de herramientas.",
        "fr": "Formation de coiffure de trois mois avec un premier jeu d'outils.",
        "ar": "دورة تصفيف شعر لمدة ثلاثة أشهر مع مجموعة أدوات أساسية.",
    },
    "School fees, uniforms and books for two children for one school year.": {
        "ru": "Плата за обучение, школьная форма и учебники для двоих детей на один учебный год.",
        "uk": "Плата за навчання, шкільна форма та підручники для двох дітей на один "
        "навчальний рік.",
        "es": "Matrícula, uniformes y libros para dos niños durante un curso escolar.",
        "fr": "Frais de scolarité, uniformes et livres pour deux enfants pendant une année "
        "scolaire.",
        "ar": "رسوم مدرسية وزيّ مدرسي وكتب لطفلين لمدة عام دراسي واحد.",
    },
    "Repair of the roof and windows of the family house before winter.": {
        "ru": "Ремонт крыши и окон семейного дома до зимы.",
        "uk": "Ремонт даху та вікон родинного будинку до зими.",
        "es": "Reparación del tejado y las ventanas de la casa familiar antes del invierno.",
        "fr": "Réparation du toit et des fenêtres de la maison familiale avant l'hiver.",
        "ar": "إصلاح سقف منزل العائلة ونوافذه قبل الشتاء.",
    },
    "Basic furniture and a cooker for a rented flat.": {
        "ru": "Самая необходимая мебель и плита для съёмной квартиры.",
        "uk": "Найнеобхідніші меблі та плита для орендованої квартири.",
        "es": "Muebles básicos y una cocina para un piso de alquiler.",
        "fr": "Des meubles de base et une cuisinière pour un appartement loué.",
        "ar": "أثاث أساسي وموقد طبخ لشقة مستأجرة.",
    },
    "Medical examinations and three months of medication after arrival.": {
        "ru": "Медицинские обследования и лекарства на три месяца после прибытия.",
        "uk": "Медичні обстеження та ліки на три місяці після прибуття.",
        "es": "Exámenes médicos y tres meses de medicación tras la llegada.",
        "fr": "Examens médicaux et trois mois de médicaments après l'arrivée.",
        "ar": "فحوصات طبية وأدوية لمدة ثلاثة أشهر بعد الوصول.",
    },
    "Rent for the first three months after arrival.": {
        "ru": "Арендная плата за первые три месяца после прибытия.",
        "uk": "Орендна плата за перші три місяці після прибуття.",
        "es": "Alquiler de los tres primeros meses tras la llegada.",
        "fr": "Loyer des trois premiers mois après l'arrivée.",
        "ar": "إيجار الأشهر الثلاثة الأولى بعد الوصول.",
    },
    "Help with a CV and referral to employers; three months' salary support with a partner "
    "company.": {
        "ru": "Помощь с резюме и направление к работодателям; субсидирование зарплаты в течение "
        "трёх месяцев в компании-партнёре.",
        "uk": "Допомога з резюме та направлення до роботодавців; субсидування зарплати протягом "
        "трьох місяців у компанії-партнері.",
        "es": "Ayuda con el currículum y derivación a empleadores; subvención salarial de tres "
        "meses en una empresa colaboradora.",
        "fr": "Aide pour le CV et orientation vers des employeurs ; trois mois de subvention "
        "salariale dans une entreprise partenaire.",
        "ar": "مساعدة في إعداد السيرة الذاتية والإحالة إلى أصحاب العمل، ودعم الراتب لمدة ثلاثة "
        "أشهر لدى شركة شريكة.",
    },
    "Legal help to obtain property documents for the family land.": {
        "ru": "Юридическая помощь в получении документов на семейную землю.",
        "uk": "Юридична допомога в отриманні документів на родинну землю.",
        "es": "Asistencia jurídica para obtener los documentos de propiedad del terreno familiar.",
        "fr": "Aide juridique pour obtenir les titres de propriété du terrain familial.",
        "ar": "مساعدة قانونية للحصول على وثائق ملكية أرض العائلة.",
    },
}


_FIELDS: dict[str, tuple[str, ...]] = {
    "intake": ("intended_activity",),
    "plan": ("objectives", "skills_use", "feasibility_reasons", "urgency_reasons",
             "motivation_reasons", "budget_justification"),
}  # fmt: skip
_ITEM_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "plan": ("assistance_items", ("description",)),
}


def _add(answers: dict[str, Any], field_ids: tuple[str, ...], language: str) -> dict[str, Any]:
    added = dict(answers)
    for field_id in field_ids:
        text = answers.get(field_id)
        version = VERSIONS.get(text, {}).get(language) if isinstance(text, str) else None
        if version:
            added[version_key(field_id, language)] = version
    return added


def interpreter_versions(form_id: str, answers: dict[str, Any], language: str) -> dict[str, Any]:
    """``answers`` with the versions an interpreter would have typed in ``language``."""
    added = _add(answers, _FIELDS.get(form_id, ()), language)
    if form_id in _ITEM_FIELDS:
        group, members = _ITEM_FIELDS[form_id]
        if isinstance(added.get(group), list):
            added[group] = [_add(item, members, language) for item in added[group]]
    return added
