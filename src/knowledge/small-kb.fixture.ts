/**
 * Small knowledge bases (4-5 articles, as a new workspace has) with customer phrasings written for
 * them (issue 14, kbtune): colloquial paraphrases that the bot should answer, and unrelated or
 * near-miss questions (sharing a word with an article but asking something else) it must decline.
 * Every query list alternates: even positions were looked at while tuning (`dev`), odd positions
 * were not (`check`).
 */
export interface SmallKb {
  name: string;
  articles: { question: string; similarQuestions: string[]; answers: string[] }[];
  /** Questions none of the articles answers. */
  decline: string[];
}

export const SMALL_KBS: SmallKb[] = [
  {
    name: 'refunds, invoices, opening hours',
    articles: [
      {
        question: '怎么申请退款',
        similarQuestions: ['如何退款', '退款在哪里申请'],
        answers: ['我想退款，怎么弄', '退款要去哪里申请呀', '东西不要了，想退钱', '请问怎么退款', '我想把钱退了，在哪弄', '退款在哪申请', '我买的东西不想要了，钱怎么退给我', '如何申请退钱呢', '不想要了，能退款吗', '申请退款的入口在哪'],
      },
      {
        question: '退款多久到账',
        similarQuestions: ['退款什么时候到', '钱多久能退回来'],
        answers: ['退款几天能到', '钱什么时候退回来', '退的钱多久到我账户', '申请退款后多长时间到账', '请问退款一般几天到账呀', '钱退回来要多久', '退款到账要几天', '退款啥时候能到账'],
      },
      {
        question: '怎么开发票',
        similarQuestions: ['如何开具发票', '发票在哪里申请'],
        answers: ['我想开个发票', '请问发票在哪开呀', '能开发票吗', '发票怎么开', '我要开张发票', '请问可以开票吗', '开发票在哪里弄', '发票去哪申请呀', '帮我开个发票', '公司报销需要发票，怎么开'],
      },
      {
        question: '门店营业时间',
        similarQuestions: ['你们几点开门', '几点关门'],
        answers: ['周末门店开到几点', '你们几点关门啊', '门店几点开门', '店里营业到几点', '晚上几点关门', '请问门店几点营业', '你们店开到几点', '早上几点开门呀', '营业时间是几点到几点'],
      },
    ],
    decline: ['今天天气怎么样', '你们公司招人吗', '发票抬头写错了能改吗', '门店地址在哪里', '你叫什么名字', '发票丢了怎么办', '附近有什么好吃的', '几点发货', '退款被拒绝了怎么办', '门店招聘店员吗', '我想投诉你们的快递员', '退货地址是哪里'],
  },
  {
    name: 'orders, delivery, account, payment',
    articles: [
      {
        question: '怎么修改收货地址',
        similarQuestions: ['地址填错了怎么改', '能改地址吗'],
        answers: ['收货地址写错了，能改一下吗', '怎么改地址', '下单后还能修改地址吗', '地址填错了咋办', '我想换个收货地址', '请问收货地址在哪里修改'],
      },
      {
        question: '怎么取消订单',
        similarQuestions: ['订单不想要了怎么取消', '能取消订单吗'],
        answers: ['我不想要了，怎么取消订单', '订单能取消吗', '下错单了，帮我取消一下', '怎么撤销订单', '刚下的单可以取消吗', '取消订单在哪里'],
      },
      {
        question: '我的快递到哪了',
        similarQuestions: ['怎么查物流', '我的包裹到哪里了'],
        answers: ['快递到哪里了', '包裹怎么还没到', '帮我查一下物流', '快递现在到哪里了呀', '物流信息在哪看', '我买的东西发到哪了'],
      },
      {
        question: '忘记密码怎么办',
        similarQuestions: ['密码忘了怎么找回', '怎么重置密码'],
        answers: ['密码忘记了怎么办', '登录密码想不起来了', '怎么找回密码', '密码怎么重置', '我忘了密码，登不上去', '密码忘了咋整'],
      },
      {
        question: '支持哪些付款方式',
        similarQuestions: ['能用微信支付吗', '可以刷信用卡吗'],
        answers: ['可以用支付宝吗', '支持微信付款吗', '能刷信用卡吗', '付款方式有哪些', '能用支付宝付钱吗', '怎么付钱'],
      },
    ],
    decline: ['今天天气怎么样', '你们老板是谁', '给我讲个笑话', '快递员态度很差，我要投诉', '你们的微信号是多少', '订单号是什么意思', '地址在哪里可以看到你们公司', '信用卡额度怎么提高', '密码安全吗', '手机号换了怎么办'],
  },
  {
    name: 'a restaurant',
    articles: [
      {
        question: '可以预约吗',
        similarQuestions: ['怎么预约', '需要提前预订吗'],
        answers: ['要提前预约吗', '怎么预订座位', '可以电话预约吗', '预约怎么弄', '我想订个位子', '需要预约吗'],
      },
      {
        question: '停车方便吗',
        similarQuestions: ['有停车场吗', '车停哪里'],
        answers: ['有地方停车吗', '停车场在哪', '开车过去方便停车吗', '车停在哪里', '附近好停车吗', '你们那有停车位吗'],
      },
      {
        question: '会员卡怎么办理',
        similarQuestions: ['怎么办会员', '会员怎么开通'],
        answers: ['怎么办会员卡', '会员怎么开', '我想办张会员卡', '开通会员在哪里', '怎么成为会员', '办会员卡要钱吗'],
      },
      {
        question: '可以带宠物吗',
        similarQuestions: ['能带狗进去吗', '宠物能进店吗'],
        answers: ['能带狗吗', '可以带猫进去吗', '宠物可以进店吗', '带狗狗能进吗', '让带宠物吗', '我家狗能一起去吗'],
      },
    ],
    decline: ['今天天气怎么样', '你们有WiFi吗', '菜单有哪些菜', '会员卡丢了怎么办', '宠物医院在哪', '附近有地铁站吗', '停车场招保安吗', '你们老板在吗'],
  },
];
